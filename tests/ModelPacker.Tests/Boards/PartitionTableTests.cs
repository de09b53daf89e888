using ModelPacker.Boards;

namespace ModelPacker.Tests.Boards;

public class PartitionTableTests
{
    [Fact]
    public void ParsesHexDecimalSuffixesCommentsAndAutomaticOffsets()
    {
        var t = PartitionTable.Parse(
            "# Name, Type, SubType, Offset, Size\n\nnvs, data, nvs, 0x9000, 24K,\nphy_init, data, phy, , 4096\n"
            + "factory, app, factory, , 1M\ncustom, 0x40, 0x01, , 0x2000, encrypted\n", "t.csv");
        Assert.Equal(new[] { 0x9000L, 0xF000, 0x10000, 0x110000 }, t.Partitions.Select(p => p.Offset));
        Assert.Equal(new[] { 0x6000L, 0x1000, 0x100000, 0x2000 }, t.Partitions.Select(p => p.Size));
        Assert.Equal(5, t.Find("factory")!.Line);
        Assert.Null(t.Find("model"));
    }

    [Fact]
    public void AppPartitionsWithoutOffsetAreRoundedUpTo64K()
    {
        var t = PartitionTable.Parse("nvs, data, nvs, 0x9000, 0x5000\nfactory, app, factory, , 0x10000\n", "t.csv");
        Assert.Equal(0x10000, t.Find("factory")!.Offset);
    }

    [Theory]
    [InlineData("nvs, data, nvs, 0x9000\n", "t.csv:1: expected name, type, subtype, offset, size")]
    [InlineData("nvs, data, nvs, 0x8000, 0x1000\n", "t.csv:1: partition 'nvs' offset 0x8000 is below 0x9000")]
    [InlineData("a, data, nvs, 0x9000, 0x6000\nb, data, phy, 0xE000, 0x1000\n", "t.csv:2: partition 'b' at 0xE000 overlaps 'a'")]
    [InlineData("a, data, nvs, 0x9000, 0x1000\na, data, phy, 0xA000, 0x1000\n", "t.csv:2: partition name 'a' is used twice")]
    [InlineData("f, app, factory, 0x11000, 0x1000\n", "t.csv:1: partition 'f' offset 0x11000 is not aligned to 0x10000")]
    [InlineData("f, app, nvs, 0x10000, 0x1000\n", "t.csv:1: subtype 'nvs' is not valid for partition type 'app'")]
    [InlineData("f, blob, nvs, 0x10000, 0x1000\n", "t.csv:1: partition type 'blob' is not app, data")]
    [InlineData("f, data, nvs, 0x10000, big\n", "t.csv:1: size 'big' is not a positive number")]
    [InlineData("averyveryverylongname, data, nvs, 0x10000, 0x1000\n", "t.csv:1: partition name 'averyveryverylongname' must be 1 to 16")]
    [InlineData("# only a comment\n", "t.csv: no partitions")]
    public void RejectsWithFileAndLine(string csv, string expected)
    {
        var e = Assert.Throws<InvalidDataException>(() => PartitionTable.Parse(csv, "t.csv"));
        Assert.StartsWith(expected, e.Message);
    }
}
