/// <summary>The 1-, 5- and 15-minute load averages: the machine is shared, so every timing is reported next to them.</summary>
static class LoadAverage
{
    public static string Read()
    {
        try { return string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)); }
        catch (IOException) { return "unknown"; }
        catch (UnauthorizedAccessException) { return "unknown"; }
    }
}
