using ModelPacker.Boards;

namespace ModelPacker.Tests.Boards;

public class BoardProfileTests : IDisposable
{
    readonly string _tmp = Directory.CreateTempSubdirectory("boards-").FullName;

    public void Dispose() => Directory.Delete(_tmp, recursive: true);

    static string RepoBoards() => BoardProfile.FindBoardsDirectory()
        ?? throw new InvalidOperationException("boards/ not found above the test directory");

    [Fact]
    public void EveryCommittedProfileLoadsWithAUniqueIdAndBudgetsInsideItsMemory()
    {
        var dir = RepoBoards();
        var names = BoardProfile.KnownBoards(dir);
        foreach (var expected in new[] { "esp32-wroom", "esp32-wrover", "esp32-c3", "stm32f769i-disco", "b-l475e-iot01a",
                                          "qemu-netduinoplus2", "qemu-mps2-an386", "qemu-mps2-an500", "qemu-riscv32-virt" })
            Assert.Contains(expected, names);
        var ids = new HashSet<uint>();
        foreach (var name in names)
        {
            var b = BoardProfile.Load(name, dir);
            Assert.Equal(name, b.Name);
            Assert.True(ids.Add(b.Id), $"{name}: id {b.Id} is used twice");
            Assert.InRange(b.Id, 1u, 65535u);
            Assert.True(b.ClockHz > 0 && b.FlashBudgetBytes > 0 && b.RamBudgetBytes > 0);
            if (b.InQspiWindow)
                Assert.True((long)(b.FlashAddress - BoardProfile.QspiWindowBase) + b.FlashBudgetBytes <= b.QspiFlashBytes,
                            $"{name}: budget beyond its Quad-SPI flash");
            else if (b.PartitionTable is null)
                Assert.True(b.FlashBudgetBytes <= b.FlashBytes, $"{name}: budget beyond its flash");
            if (b.SramBytes > 0 && b.PsramBytes == 0) Assert.True(b.RamBudgetBytes <= b.SramBytes, $"{name}: arena beyond SRAM");
        }
    }

    [Fact]
    public void Esp32WroverModelPartitionComesFromThePartitionTableAndHoldsAOneMegabyteImage()
    {
        var b = BoardProfile.Load("esp32-wrover", RepoBoards());
        Assert.Equal("model", b.PartitionName);
        Assert.Equal(0x2C0000UL, b.FlashAddress);
        Assert.Equal(0x140000, b.FlashBudgetBytes);
        Assert.Equal(0UL, b.FlashAddress % BoardProfile.EspMmuPage);
        b.EnsureFits(1 << 20, 32 * 1024);
        var names = b.PartitionTable!.Partitions.Select(p => p.Name).ToArray();
        Assert.Equal(new[] { "nvs", "otadata", "phy_init", "factory", "deploy", "model" }, names);
        Assert.Equal(b.FlashBytes, b.PartitionTable.Partitions.Max(p => p.End)); // the table uses all 4 MB
    }

    [Fact]
    public void LoadsByPathAsByName()
    {
        var dir = RepoBoards();
        var byName = BoardProfile.Load("stm32f769i-disco", dir);
        var byPath = BoardProfile.Load(Path.Combine(dir, "stm32f769i-disco.json"));
        Assert.Equal(byName.Id, byPath.Id);
        Assert.Equal(0x90000000UL, byPath.FlashAddress);
        Assert.Equal(2097152, byPath.FlashBudgetBytes);
        Assert.Equal(64L << 20, byPath.QspiFlashBytes);
        Assert.Equal("cortex-m7", byPath.Cpu);
        Assert.Equal(216_000_000, byPath.ClockHz);
    }

    /// <summary>
    /// nanoFramework's STM32 targets use all of the internal flash (nf-interpreter, boards/README.md): on the
    /// ST_STM32F769I_DISCOVERY bootloader, config block, nanoCLR slot and deployment slot run up to 0x08200000, on the
    /// ST_B_L475E_IOT01A nanoBooter, nanoCLR, deployment and config up to 0x08100000. The image goes into the
    /// memory-mapped Quad-SPI flash instead, inside the chip.
    /// </summary>
    [Theory]
    [InlineData("stm32f769i-disco", 0x0820_0000UL, 64L << 20)]
    [InlineData("b-l475e-iot01a", 0x0810_0000UL, 8L << 20)]
    public void Stm32ImagesLieInTheQspiFlashOutsideNanoFrameworksInternalFlash(string name, ulong internalEnd, long qspiBytes)
    {
        var b = BoardProfile.Load(name, RepoBoards());
        Assert.Equal(0x0800_0000UL + (ulong)b.FlashBytes, internalEnd);
        Assert.True(b.InQspiWindow);
        Assert.Equal(BoardProfile.QspiWindowBase, b.FlashAddress);
        Assert.Equal(qspiBytes, b.QspiFlashBytes);
        Assert.InRange(b.FlashBudgetBytes, 1_200_000, qspiBytes); // the bundled SNIPS (743,440) and CLINC150 (~1.1 MB) images
        var e = Assert.Throws<InvalidDataException>(() => b.EnsureFits(b.FlashBudgetBytes + 1, 1));
        Assert.Contains("(QSPI flash at 0x90000000) by 1 bytes", e.Message);
    }

    [Fact]
    public void UnknownBoardNamesTheKnownOnes()
    {
        var e = Assert.Throws<InvalidDataException>(() => BoardProfile.Load("esp32-nope", RepoBoards()));
        Assert.Contains("esp32-nope", e.Message);
        Assert.Contains("esp32-wrover", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void RefusesWhatDoesNotFitGivingBothSizes()
    {
        var b = BoardProfile.Load("esp32-wroom", RepoBoards());
        b.EnsureFits(b.FlashBudgetBytes, b.RamBudgetBytes); // exactly at the budget fits
        var e = Assert.Throws<InvalidDataException>(() => b.EnsureFits(1_400_000, 10_000));
        Assert.Equal("board esp32-wroom: image 1,400,000 bytes exceeds the flash budget of 1,310,720 bytes "
                     + "(partition 'model' at 0x2C0000) by 89,280 bytes", e.Message);
        e = Assert.Throws<InvalidDataException>(() => b.EnsureFits(500_000, 50_000));
        Assert.Equal("board esp32-wroom: arena 50,000 bytes exceeds the RAM budget of 40,960 bytes by 9,040 bytes", e.Message);
        Assert.Equal(2, b.FitProblems(2_000_000, 50_000).Count);
    }

    string Write(string name, string json, string? csv = null)
    {
        if (csv is not null) File.WriteAllText(Path.Combine(_tmp, "table.csv"), csv);
        var path = Path.Combine(_tmp, name + ".json");
        File.WriteAllText(path, json);
        return path;
    }

    const string GoodCsv = "nvs, data, nvs, 0x9000, 0x6000,\nfactory, app, factory, 0x10000, 1M,\nmodel, data, 0x40, , 0x100000,\n";

    [Fact]
    public void PartitionOffsetsMayBeLeftEmpty()
    {
        var path = Write("b", """{"name":"b","id":7,"cpu":"xtensa-lx6","clock_hz":1,"flash_bytes":4194304,"partition_table":"table.csv","partition":"model","ram_budget_bytes":4096}""", GoodCsv);
        var b = BoardProfile.Load(path);
        Assert.Equal(0x110000UL, b.FlashAddress);
        Assert.Equal(0x100000, b.FlashBudgetBytes);
    }

    [Theory]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x08000000","flash_budget_bytes":512}""", "missing 'ram_budget_bytes'")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x08000000","flash_budget_bytes":512,"ram_budget_bytes":1,"ram_budget":2}""", "unknown key 'ram_budget'")]
    [InlineData("""{"name":"c","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x08000000","flash_budget_bytes":512,"ram_budget_bytes":1}""", "'name' is 'c'")]
    [InlineData("""{"name":"b","id":0,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x08000000","flash_budget_bytes":512,"ram_budget_bytes":1}""", "'id' 0 is outside 1..65535")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x08000010","flash_budget_bytes":512,"ram_budget_bytes":1}""", "not 32-byte aligned")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"134217728","flash_budget_bytes":512,"ram_budget_bytes":1}""", "must be a 32-bit hex address")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":"fast","flash_bytes":1024,"flash_address":"0x08000000","flash_budget_bytes":512,"ram_budget_bytes":1}""", "'clock_hz' must be an integer")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"ram_budget_bytes":1}""", "give either partition_table")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"partition_table":"table.csv","partition":"model","flash_address":"0x0","ram_budget_bytes":1}""", "give either partition_table")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"flash_address":"0x90000000","flash_budget_bytes":512,"ram_budget_bytes":1}""", "give 'qspi_flash_bytes'")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4","clock_hz":1,"flash_bytes":1024,"qspi_flash_bytes":8388608,"flash_address":"0x907C0000","flash_budget_bytes":524288,"ram_budget_bytes":1}""", "ends 0x840000 into the Quad-SPI flash, beyond its 8388608 bytes")]
    [InlineData("""{"name":"b","id":7,"cpu":"m4",""", "not valid JSON")]
    public void BadProfilesFailWithOneLineNamingTheFile(string json, string expected)
    {
        var path = Write("b", json, GoodCsv);
        var e = Assert.Throws<InvalidDataException>(() => BoardProfile.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.StartsWith(path, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000,\nmodel, data, 0x40, 0x10000, 0x100000,\n", "other", "partition 'other' is not in")]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000,\nmodel, app, factory, 0x10000, 0x100000,\n", "model", "must be of type data")]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000,\nmodel, data, 0x40, 0x11000, 0x100000,\n", "model", "not 64 KB aligned")]
    [InlineData("nvs, data, nvs, 0x9000, 0x6000,\nmodel, data, 0x40, 0x10000, 0x400000,\n", "model", "beyond the 4194304 bytes of flash")]
    public void ModelPartitionProblemsNameTheTable(string csv, string partition, string expected)
    {
        var path = Write("b", $$"""{"name":"b","id":7,"cpu":"x","clock_hz":1,"flash_bytes":4194304,"partition_table":"table.csv","partition":"{{partition}}","ram_budget_bytes":1}""", csv);
        var e = Assert.Throws<InvalidDataException>(() => BoardProfile.Load(path));
        Assert.Contains(expected, e.Message);
        Assert.Contains("table.csv", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }
}
