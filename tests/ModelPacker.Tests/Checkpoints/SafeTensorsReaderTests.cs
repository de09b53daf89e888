using ModelPacker.Checkpoints;
using static ModelPacker.Tests.Checkpoints.SafeTensorsBytes;

namespace ModelPacker.Tests.Checkpoints;

public class SafeTensorsReaderTests
{
    private const string Source = "w.safetensors";

    [Fact]
    public void Reads_f32_tensors_and_metadata()
    {
        var bytes = BuildTensors(
        [
            new Tensor("a", "F32", [2, 3], F32(1, 2, 3, 4, 5, 6)),
            new Tensor("b", "F32", [1], F32(-0.5f)),
        ], "{\"format\":\"pt\"}");
        var file = SafeTensorsReader.Parse(bytes, Source);
        Assert.Equal(["a", "b"], file.Entries.Select(e => e.Name));
        Assert.Equal([2, 3], file["a"].Shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], file.ReadFloat32("a"));
        Assert.Equal([-0.5f], file.ReadFloat32("b"));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Widens_f16_exactly()
    {
        Half[] values = [(Half)1.5f, (Half)(-2f), Half.MaxValue, Half.Epsilon, Half.NegativeInfinity, (Half)0.1f, Half.NegativeZero];
        var file = SafeTensorsReader.Parse(BuildTensors([new Tensor("h", "F16", [7], F16(values))]), Source);
        var floats = file.ReadFloat32("h");
        Assert.Equal(values.Select(v => (float)v), floats);
        // Spot values computed by hand from the bit patterns.
        Assert.Equal(65504f, floats[2]);
        Assert.Equal(5.9604645e-8f, floats[3]);
        Assert.Equal(0.0999755859375f, floats[5]);
        Assert.Equal(0x80000000u, BitConverter.SingleToUInt32Bits(floats[6]));
    }

    [Fact]
    public void Widens_bf16_by_shifting_into_the_high_half()
    {
        // 0x3FC0 = 1.5, 0xC000 = -2, 0x7F80 = +inf, 0x0001 = smallest bf16 subnormal, 0x3DCD ≈ 0.1.
        var file = SafeTensorsReader.Parse(BuildTensors([new Tensor("b", "BF16", [5], Raw16(0x3FC0, 0xC000, 0x7F80, 0x0001, 0x3DCD))]), Source);
        var floats = file.ReadFloat32("b");
        Assert.Equal(1.5f, floats[0]);
        Assert.Equal(-2f, floats[1]);
        Assert.Equal(float.PositiveInfinity, floats[2]);
        Assert.Equal(BitConverter.UInt32BitsToSingle(0x00010000), floats[3]);
        Assert.Equal(0.10009765625f, floats[4]);
    }

    [Fact]
    public void Accepts_header_padding_scalars_and_empty_tensors()
    {
        var bytes = Build("{\"s\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]},\"e\":{\"dtype\":\"F32\",\"shape\":[0,3],\"data_offsets\":[4,4]}}   ", F32(7));
        var file = SafeTensorsReader.Parse(bytes, Source);
        Assert.Equal([7f], file.ReadFloat32("s"));
        Assert.Empty(file.ReadFloat32("e"));
    }

    [Fact]
    public void Offsets_of_unconvertible_dtypes_are_checked_but_reading_them_as_float_is_an_error()
    {
        var file = SafeTensorsReader.Parse(BuildTensors([new Tensor("ids", "I64", [2], I64(0, 1)), new Tensor("w", "F32", [1], F32(3))]), Source);
        Assert.Equal([3f], file.ReadFloat32("w"));
        var e = Assert.Throws<CheckpointFormatException>(() => file.ReadFloat32("ids"));
        Assert.Equal("w.safetensors: tensor 'ids' has dtype I64; only F32, F16 and BF16 can be loaded", e.Message);
    }

    public static TheoryData<byte[], string> BadFiles()
    {
        byte[] ok = F32(1, 2);
        string T(string name, string dtype, string shape, long b, long e) =>
            $"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":{shape},\"data_offsets\":[{b},{e}]}}";
        var tooLong = Build("{}", []);
        tooLong[0] = 0xFF; tooLong[1] = 0xFF; tooLong[2] = 0xFF; tooLong[3] = 0x7F;
        var pastEnd = Build("{}", []);
        pastEnd[0] = 40;
        return new TheoryData<byte[], string>
        {
            { new byte[5], "5 bytes is too short" },
            { tooLong, "is not plausible" },
            { pastEnd, "header length 40 runs past the end of the 10-byte file" },
            { Build("{\"a\":", ok), "header is not valid UTF-8 JSON" },
            { Build("[1,2]", []), "header is not a JSON object" },
            { Build("{" + T("a", "Q8", "[2]", 0, 8) + "}", ok), "tensor 'a': unknown dtype 'Q8'" },
            { Build("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", ok), "tensor 'a': header entry has no string 'dtype'" },
            { Build("{\"a\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", ok), "tensor 'a': header entry has no 'shape' array" },
            { Build("{" + T("a", "F32", "[-2]", 0, 8) + "}", ok), "tensor 'a': shape [-2] has a dimension" },
            { Build("{" + T("a", "F32", "[65536,65536]", 0, 8) + "}", ok), "more than 2147483647 elements" },
            { Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", ok), "tensor 'a': header entry has no 'data_offsets' pair" },
            { Build("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,-8]}}", ok), "tensor 'a': data offset -8 is not a non-negative integer" },
            { Build("{" + T("a", "F32", "[2]", 8, 0) + "}", ok), "tensor 'a': data_offsets [8, 0] end before they begin" },
            { Build("{" + T("a", "F32", "[3]", 0, 8) + "}", ok), "tensor 'a': data_offsets [0, 8] hold 8 bytes but F32 [3] needs 12" },
            { Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("a", "F32", "[2]", 0, 8) + "}", ok), "tensor 'a' appears twice in the header" },
            { Build("{" + T("a", "F32", "[2]", 0, 8) + "," + T("b", "F32", "[1]", 4, 8) + "}", ok), "tensor 'b': data_offsets [4, 8] overlap tensor 'a' [0, 8]" },
            { Build("{" + T("a", "F32", "[1]", 4, 8) + "}", ok), "bytes 0..4 of the data section belong to no tensor (before 'a')" },
            { Build("{" + T("a", "F32", "[1]", 0, 4) + "}", ok), "data section has 4 bytes after the last tensor" },
            { Build("{" + T("a", "F32", "[3]", 0, 12) + "}", ok), "tensor 'a': data_offsets [0, 12] run past the 8-byte data section (truncated file?)" },
            { Build("{" + T("h", "F16", "[1]", 0, 2) + "," + T("a", "F32", "[1]", 2, 6) + "}", F32(1, 2)), "tensor 'a': data starts at byte 2, not a multiple of its 4-byte element size" },
            { Build("{\"__metadata__\":{\"n\":3}}", []), "__metadata__ value 'n' is not a string" },
            { Build("{\"__metadata__\":[]}", []), "__metadata__ is not a JSON object" },
            { Build("{\"a\":7}", []), "tensor 'a': header entry is not a JSON object" },
        };
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void Bad_files_are_one_line_errors_naming_the_file(byte[] bytes, string expected)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Parse(bytes, Source));
        Assert.StartsWith(Source + ": ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Invalid_utf8_in_the_header_is_an_error()
    {
        var bytes = Build("{\"a\":1}", []);
        bytes[10] = 0xFF;
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Parse(bytes, Source));
        Assert.Contains("not valid UTF-8 JSON", e.Message);
    }

    [Fact]
    public void Missing_file_is_an_error_naming_it()
    {
        string path = Path.Combine(Path.GetTempPath(), $"missing-{Guid.NewGuid():N}.safetensors");
        var e = Assert.Throws<CheckpointFormatException>(() => SafeTensorsReader.Read(path));
        Assert.Equal($"{path}: file not found", e.Message);
    }
}
