// Which AdaptivFloat split and exponent-bias granularity scheme af8 stores (docs/numerics.md section 3g): the fp32
// checkpoint's test accuracy with its weights rounded to each 8-bit format (activations stay fp32, so only the weight
// encoding differs), against int8 rows rounded the same way.
//   AdaptivFloatBench [--sets snips,clinc150]   → table + bench/results/af8-formats.md
using System.Globalization;
using System.Text;
using ModelPacker.Checkpoints;
using ModelPacker.Data;
using ModelPacker.Evaluation;
using ModelPacker.Model;
using ModelPacker.Quantization;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
string repo = RepoRoot.Find();
string datasets = Environment.GetEnvironmentVariable("NANO_INTENT_DATASETS") ?? Path.GetFullPath(Path.Combine(repo, "..", "shared", "datasets"));
var sets = args.Length == 2 && args[0] == "--sets" ? args[1].Split(',') : args.Length == 0 ? ["snips", "clinc150"] : null;
if (sets is null)
{
    Console.Error.WriteLine("usage: AdaptivFloatBench [--sets snips,clinc150]");
    return 2;
}

var md = new StringBuilder("# AdaptivFloat formats (bench/AdaptivFloatBench)\n\n" +
    "Test accuracy (%) of the fp32 checkpoint with its weights rounded (activations fp32). \"linear\": the tensors scheme af8\n" +
    "stores in AdaptivFloat (embedding mapping-in, Q, K, V, dense, FFN, FFN output, poolers); \"+ emb, cls\": also the\n" +
    "embedding tables and exit classifiers. Bias per tensor (the paper's) or per row. SQNR: 10 log10(Σ w² / Σ (w − ŵ)²) over\n" +
    "the linear tensors, in dB (accuracy moves by single test utterances; the SQNR says which rounding is closer).\n\n" +
    "| set | weights | per-tensor linear | per-row linear | per-tensor + emb, cls | per-row + emb, cls | SQNR per-tensor | SQNR per-row |\n|---|---|---|---|---|---|---|---|\n");
foreach (string set in sets)
{
    var checkpoint = CheckpointDirectory.Load(Path.Combine(repo, "models", set));
    var p = checkpoint.Parameters;
    var test = DatasetLoader.Load(Path.Combine(datasets, set)).Test;
    double Accuracy() => Evaluator.Evaluate(new CheckpointClassifier(p, checkpoint.Vocabulary), test).Accuracy * 100;
    var linear = new List<NamedTensor> { p.EmbeddingProjectionWeight, p.QueryWeight, p.KeyWeight, p.ValueWeight, p.AttentionOutputWeight, p.FfnWeight, p.FfnOutputWeight };
    linear.AddRange(p.Exits.Select(e => e.PoolerWeight));
    var rest = new List<NamedTensor> { p.WordEmbeddings, p.PositionEmbeddings };
    rest.AddRange(p.Exits.Select(e => e.ClassifierWeight));
    var original = linear.Concat(rest).ToDictionary(t => t, t => t.Data.ToArray());

    double Rounded(IEnumerable<NamedTensor> tensors, Func<NamedTensor, float[]> round)
    {
        foreach (var t in tensors) round(t).CopyTo(t.Data, 0);
        double a = Accuracy();
        foreach (var (t, data) in original) data.CopyTo(t.Data, 0);
        return a;
    }

    double fp32 = Accuracy();
    Console.WriteLine($"{set}: fp32 {fp32:F2} %");
    md.Append($"| {set} | fp32 | {fp32:F2} | | | | | |\n");
    var rows = new List<(string Name, Func<NamedTensor, bool, float[]> Round)> { ("int8 rows", (t, _) => Int8Rows(t)) };
    foreach (int e in new[] { 2, 3, 4 })
    {
        var f = new AdaptivFloatFormat(e);
        rows.Add(($"AdaptivFloat {f.Name}", (t, perRow) => Adaptiv(t, f, perRow)));
    }
    foreach (var (name, round) in rows)
    {
        double tl = Rounded(linear, t => round(t, false)), rl = Rounded(linear, t => round(t, true));
        double ta = Rounded(linear.Concat(rest), t => round(t, false)), ra = Rounded(linear.Concat(rest), t => round(t, true));
        double st = Sqnr(linear, t => round(t, false)), sr = Sqnr(linear, t => round(t, true));
        Console.WriteLine($"{set}: {name,-22} per-tensor {tl:F2}  per-row {rl:F2}  (+ emb, cls: {ta:F2}, {ra:F2})  SQNR {st:F1} / {sr:F1} dB");
        md.Append($"| {set} | {name} | {tl:F2} | {rl:F2} | {ta:F2} | {ra:F2} | {st:F1} | {sr:F1} |\n");
    }
}
string outPath = Path.Combine(repo, "bench", "results", "af8-formats.md");
File.WriteAllText(outPath, md.ToString());
Console.WriteLine($"wrote {outPath}");
return 0;

static double Sqnr(IEnumerable<NamedTensor> tensors, Func<NamedTensor, float[]> round)
{
    double signal = 0, noise = 0;
    foreach (var t in tensors)
    {
        var r = round(t);
        for (int i = 0; i < r.Length; i++)
        {
            signal += (double)t.Data[i] * t.Data[i];
            noise += ((double)t.Data[i] - r[i]) * ((double)t.Data[i] - r[i]);
        }
    }
    return 10 * Math.Log10(signal / noise);
}

static float[] Int8Rows(NamedTensor t)
{
    var (q, scales) = Int8Quantizer.QuantizeRows(t.Data, t.Rows, t.Cols);
    var r = new float[t.Length];
    for (int i = 0; i < r.Length; i++) r[i] = (float)(q[i] * scales[i / t.Cols]);
    return r;
}

static float[] Adaptiv(NamedTensor t, AdaptivFloatFormat f, bool perRow)
{
    var r = new float[t.Length];
    double tensorMax = t.Data.Max(v => Math.Abs((double)v));
    for (int row = 0; row < t.Rows; row++)
    {
        var w = t.Data.AsSpan(row * t.Cols, t.Cols);
        double max = tensorMax;
        if (perRow)
        {
            max = 0;
            foreach (float v in w) max = Math.Max(max, Math.Abs(v));
        }
        int unit = f.UnitExponent(max);
        for (int c = 0; c < w.Length; c++) r[row * t.Cols + c] = (float)f.Round(w[c], unit);
    }
    return r;
}
