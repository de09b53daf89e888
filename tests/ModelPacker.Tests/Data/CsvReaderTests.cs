using ModelPacker.Data;

namespace ModelPacker.Tests.Data;

public class CsvReaderTests
{
    private static List<(List<string> Fields, int Line)> ReadAll(string text)
    {
        var reader = new CsvReader(text, "t.csv");
        var records = new List<(List<string>, int)>();
        while (reader.TryReadRecord(out var fields, out int line)) records.Add((fields, line));
        return records;
    }

    [Fact]
    public void Reads_Rfc4180QuotingWithLineNumbersOfRecordStarts()
    {
        var records = ReadAll("text,category\r\n\"a, b\",x\r\n\"say \"\"hi\"\"\",y\n\"two\nlines\",z\nplain,\"\"\n");
        Assert.Equal(5, records.Count);
        Assert.Equal(["text", "category"], records[0].Fields);
        Assert.Equal(["a, b", "x"], records[1].Fields);
        Assert.Equal(["say \"hi\"", "y"], records[2].Fields);
        Assert.Equal(["two\nlines", "z"], records[3].Fields);
        Assert.Equal(["plain", ""], records[4].Fields);
        Assert.Equal([1, 2, 3, 4, 6], records.Select(r => r.Line));
    }

    [Fact]
    public void Reads_EmptyFieldsLoneCrAndNoFinalLineBreak()
    {
        var records = ReadAll("a,,c\r,b,\n\n\nlast");
        Assert.Equal(["a", "", "c"], records[0].Fields);
        Assert.Equal(["", "b", ""], records[1].Fields);
        Assert.Equal(["last"], records[2].Fields);
        Assert.Equal([1, 2, 5], records.Select(r => r.Line));
    }

    [Fact]
    public void Keeps_CrLfInsideQuotesAndCountsItAsOneLine()
    {
        var records = ReadAll("\"x\r\ny\",1\r\nz,2\r\n");
        Assert.Equal(["x\r\ny", "1"], records[0].Fields);
        Assert.Equal(3, records[1].Line);
    }

    [Theory]
    [InlineData("text,intent\n\"never closed,x\n", "t.csv:2: quoted field is never closed")]
    [InlineData("text,intent\n\"closed\"x,y\n", "t.csv:2: unexpected character 'x' after a closing quote")]
    [InlineData("text,intent\nsay \"hi\",y\n", "t.csv:2: quote inside an unquoted field (enclose the field in quotes and double the quote)")]
    [InlineData("text,intent\n\"a\nb\nc\" d,y\n", "t.csv:4: unexpected character ' ' after a closing quote")]
    public void Rejects_MalformedQuotingAtItsLine(string text, string message) =>
        Assert.Equal(message, Assert.Throws<DataFormatException>(() => ReadAll(text)).Message);
}
