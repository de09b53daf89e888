using System.Text;

namespace ModelPacker.Data;

/// <summary>
/// A small RFC 4180 reader: comma-separated fields, records ended by CRLF, LF or CR, fields optionally enclosed in
/// double quotes, where a doubled quote is a literal quote and commas and line breaks are data. Strict where the
/// RFC is strict (no stray quote inside an unquoted field, nothing between a closing quote and the next comma), so
/// a damaged file is reported at the line where the damage is rather than silently misaligned.
/// </summary>
internal sealed class CsvReader
{
    private readonly string _text;
    private readonly string _filePath;
    private int _pos;
    private int _line = 1;

    public CsvReader(string text, string filePath)
    {
        _text = text;
        _filePath = filePath;
    }

    public static CsvReader Open(string filePath) => new(File.ReadAllText(filePath, Encoding.UTF8), filePath);

    /// <summary>Reads the next record; blank lines are skipped. <paramref name="line"/> is where the record starts.</summary>
    public bool TryReadRecord(out List<string> fields, out int line)
    {
        // Skip blank lines between records (and the trailing line break at the end of the file).
        while (_pos < _text.Length && (_text[_pos] == '\n' || _text[_pos] == '\r'))
            ConsumeLineBreak();

        fields = new List<string>();
        line = _line;
        if (_pos >= _text.Length) return false;

        var field = new StringBuilder();
        while (true)
        {
            field.Clear();
            if (_pos < _text.Length && _text[_pos] == '"')
                ReadQuoted(field);
            else
                ReadUnquoted(field);
            fields.Add(field.ToString());

            if (_pos >= _text.Length) return true;
            char c = _text[_pos];
            if (c == ',') { _pos++; continue; }
            ConsumeLineBreak(); // ReadQuoted/ReadUnquoted stop only at ',', a line break or the end
            return true;
        }
    }

    private void ReadUnquoted(StringBuilder field)
    {
        while (_pos < _text.Length)
        {
            char c = _text[_pos];
            if (c == ',' || c == '\n' || c == '\r') return;
            if (c == '"')
                throw new DataFormatException(_filePath, _line,
                    "quote inside an unquoted field (enclose the field in quotes and double the quote)");
            field.Append(c);
            _pos++;
        }
    }

    private void ReadQuoted(StringBuilder field)
    {
        int openLine = _line;
        _pos++; // opening quote
        while (true)
        {
            if (_pos >= _text.Length)
                throw new DataFormatException(_filePath, openLine, "quoted field is never closed");
            char c = _text[_pos];
            if (c == '"')
            {
                if (_pos + 1 < _text.Length && _text[_pos + 1] == '"')
                {
                    field.Append('"');
                    _pos += 2;
                    continue;
                }
                _pos++; // closing quote
                if (_pos < _text.Length && _text[_pos] is not (',' or '\n' or '\r'))
                    throw new DataFormatException(_filePath, _line,
                        $"unexpected character {DataFormatException.Excerpt(_text[_pos].ToString())} after a closing quote");
                return;
            }
            if (c == '\n' || (c == '\r' && !(_pos + 1 < _text.Length && _text[_pos + 1] == '\n'))) _line++;
            field.Append(c);
            _pos++;
        }
    }

    private void ConsumeLineBreak()
    {
        if (_text[_pos] == '\r' && _pos + 1 < _text.Length && _text[_pos + 1] == '\n') _pos++;
        _pos++;
        _line++;
    }
}
