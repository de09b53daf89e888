using ModelPacker.Data;

namespace ModelPacker.Tests.Data;

/// <summary>Every bad input is a one-line DataFormatException naming file and line.</summary>
public sealed class DataErrorTests : IDisposable
{
    private readonly TempDir _tmp = new();

    public void Dispose() => _tmp.Dispose();

    private string LoadError(string name, string content, DatasetOptions? options = null)
    {
        string file = _tmp.Write(name, content);
        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(file, options));
        Assert.DoesNotContain('\n', ex.Message);
        Assert.StartsWith(file + ":", ex.Message);
        return ex.Message[(file.Length + 1)..];
    }

    [Theory]
    [InlineData("{\"text\": \"hi\", \"intent\": \"a\"}\n{\"text\": \"oops\", \"intent\": }\n", "2: invalid JSON at column 28")]
    [InlineData("{\"text\": \"hi\", \"intent\": \"a\"}\n[\"hi\", \"a\"]\n", "2: expected a JSON object, found Array")]
    [InlineData("{\"text\": \"hi\", \"intent\": \"a\"}\n\n{\"intent\": \"a\"}\n", "3: missing property 'text'")]
    [InlineData("{\"text\": \"hi\", \"intent\": \"a\"}\n{\"text\": \"yo\"}\n", "2: missing property 'intent'")]
    [InlineData("{\"text\": \"  \", \"intent\": \"a\"}\n", "1: empty text")]
    [InlineData("{\"text\": \"hi\", \"intent\": \"\"}\n", "1: empty label")]
    [InlineData("{\"text\": 5, \"intent\": \"a\"}\n", "1: property 'text' must be a string, found Number")]
    [InlineData("{\"text\": \"hi\", \"intent\": null}\n", "1: property 'intent' must be a string or number, found Null")]
    [InlineData("\n\n", " no examples in file")]
    public void Jsonl_BadRows(string content, string expected) =>
        Assert.Equal(expected, LoadError("data.jsonl", content));

    [Theory]
    [InlineData("text,intent\nhi,a\nyo,b,extra\n", "3: expected 2 columns as in the header, found 3")]
    [InlineData("text,intent\nhi,a\nyo\n", "3: expected 2 columns as in the header, found 1")]
    [InlineData("utterance,intent\nhi,a\n", "1: missing column 'text' (header has: utterance, intent)")]
    [InlineData("text,label2\nhi,a\n", "1: missing column 'intent' (header has: text, label2)")]
    [InlineData("text,intent\nhi,a\n\"\",b\n", "3: empty text")]
    [InlineData("text,intent\nhi,a\nyo, \n", "3: empty label")]
    [InlineData("text,intent\n\"hi,a\n", "2: quoted field is never closed")]
    [InlineData("", " file is empty (expected a header line naming the columns)")]
    [InlineData("text,intent\n", " no examples in file")]
    public void Csv_BadRows(string content, string expected) =>
        Assert.Equal(expected, LoadError("data.csv", content));

    [Fact]
    public void Csv_ExplicitLabelColumnHasNoFallback() =>
        Assert.Equal("1: missing column 'intent_name' (header has: text, label)",
            LoadError("data.csv", "text,label\nhi,a\n", new DatasetOptions { LabelColumn = "intent_name" }));

    [Theory]
    [InlineData("{\"train\": [[\"hi\", \"a\"]], \"val\": [], \"test\": [[\"yo\"]]}", "1: expected an item [text, intent] of two strings")]
    [InlineData("{\n\"train\": [\n[\"hi\", \"a\"],\n[\"hi\", 7]\n], \"val\": [], \"test\": []}", "4: expected an item [text, intent] of two strings")]
    [InlineData("{\n\"train\": [\n[\"hi\", \"a\"],\n[\"\", \"b\"]\n], \"val\": [], \"test\": []}", "4: empty text")]
    [InlineData("{\n\"train\": [[\"hi\", \" \"]], \"val\": [], \"test\": []}", "2: empty label")]
    [InlineData("{\n\"train\": {}, \"val\": [], \"test\": []}", "2: expected a list of [text, intent] items")]
    [InlineData("{\n\"train\": [[\"hi\", \"a\"]],\n\"val\": [,]}", "3: invalid JSON")]
    [InlineData("[]", "1: expected a JSON object with lists train, val, test, oos_*")]
    [InlineData("{\"train\": [], \"test\": []}", " missing list 'val'")]
    public void Clinc150_BadFile(string content, string expected) =>
        Assert.Equal(expected, LoadError("data_full.json", content));

    [Fact]
    public void UnknownDirectoryLayout_ListsWhatWasExpected()
    {
        _tmp.Write("notes.txt", "x");
        _tmp.Write("training.csv", "text,intent\nhi,a\n");
        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(_tmp.Path));
        Assert.Equal($"{_tmp.Path}: unrecognised dataset directory: expected data_full.json (CLINC150) or train.jsonl/train.csv " +
                     "with optional test.* and validation.*/val.* (SNIPS, Banking77, your own data); found: notes.txt, training.csv",
            ex.Message);
    }

    [Fact]
    public void AmbiguousDirectoryLayout_IsAnError()
    {
        _tmp.Write("train.csv", "text,intent\nhi,a\n");
        _tmp.Write("train.jsonl", "{\"text\": \"hi\", \"intent\": \"a\"}\n");
        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(_tmp.Path));
        Assert.Equal($"{_tmp.Path}: ambiguous dataset directory: both train.jsonl and train.csv exist", ex.Message);
    }

    [Fact]
    public void BadRowInTestFile_NamesTheTestFile()
    {
        _tmp.Write("train.jsonl", "{\"text\": \"hi\", \"intent\": \"a\"}\n");
        string test = _tmp.Write("test.jsonl", "{\"text\": \"hi\", \"intent\": \"a\"}\n{\"text\": \"hi\"\n");
        var ex = Assert.Throws<DataFormatException>(() => DatasetLoader.Load(_tmp.Path));
        Assert.Equal($"{test}:2: invalid JSON at column 14", ex.Message);
        Assert.Equal((test, 2), (ex.FilePath, ex.Line));
    }

    [Fact]
    public void MissingPathAndUnsupportedFile_AreOneLineErrors()
    {
        string missing = Path.Combine(_tmp.Path, "nope");
        Assert.Equal($"{missing}: no such file or directory", Assert.Throws<DataFormatException>(() => DatasetLoader.Load(missing)).Message);
        string txt = _tmp.Write("data.txt", "hi\ta\n");
        Assert.Equal($"{txt}: unsupported file type '.txt': expected .csv, .jsonl, data_full.json or a dataset directory",
            Assert.Throws<DataFormatException>(() => DatasetLoader.Load(txt)).Message);
    }

    [Fact]
    public void BadOptions_AreArgumentErrors()
    {
        string file = _tmp.Write("d.csv", "text,intent\nhi,a\n");
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(file, new DatasetOptions { ValidationFraction = 1.0 }));
        Assert.Throws<ArgumentException>(() => DatasetLoader.Load(file, new DatasetOptions { TextColumn = "" }));
    }

    [Fact]
    public void DataFormatException_QuotedDataStaysOneLine()
    {
        var ex = new DataFormatException("f.csv", 3, "bad\nvalue\r\nhere");
        Assert.Equal("f.csv:3: bad value here", ex.Message);
        Assert.Equal("f.csv: no line", new DataFormatException("f.csv", "no line").Message);
    }
}
