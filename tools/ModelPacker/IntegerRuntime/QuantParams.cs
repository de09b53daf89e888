using System.Buffers.Binary;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>One LayerNorm element: gamma/s_out and beta/s_out in Q16 (ni_ln_param).</summary>
public readonly record struct LayerNormParam(int Gain, int Bias);

/// <summary>
/// The QUANT_PARAMS section (docs/numerics.md, version 3): per-site activation requantizations, the entropy tables,
/// the GELU table, the LayerNorm params, one tanh table per exit, the Bi-Attention threshold of scheme W1A1, and —
/// only in a scheme that reads them (<see cref="Scheme.Tables"/>) — the softmax block (softmax index and context
/// requantizations, exp table). <see cref="ToBytes"/> and <see cref="FromBytes"/> are the byte layout of
/// ni_qparams_fixed, then ni_qparams_softmax when present, then the variable part.
/// </summary>
public sealed class QuantParams
{
    public const int Version = 3;
    public const int FixedBytes = 12 + 2 * 8 + 4 * 2 * IntegerKernels.FracTableLength + IntegerKernels.Lut8Length;
    public const int SoftmaxBytes = 2 * 8 + 4 * IntegerKernels.ExpTableLength;

    /// <summary>Scheme W1A1: a key counts for a query when their bit agreement s_ij ≥ this (0 in scheme int8).</summary>
    public int AttentionThreshold { get; init; }
    public Requant AttentionResidual { get; init; }
    public Requant FullResidual { get; init; }
    /// <summary>The softmax block (present when <see cref="ExpTable"/> is not null).</summary>
    public Requant SoftmaxIndex { get; init; }
    public Requant Context { get; init; }
    public int[]? ExpTable { get; init; }
    public required int[] Exp2Frac { get; init; }
    public required int[] Log2Frac { get; init; }
    public required sbyte[] Gelu { get; init; }
    public required LayerNormParam[] EmbeddingLn { get; init; }
    public required LayerNormParam[] AttentionLn { get; init; }
    public required LayerNormParam[] FullLn { get; init; }
    /// <summary>[layer][256]: tanh(q·s_in) · 127 for q = index − 128.</summary>
    public required sbyte[][] Tanh { get; init; }

    /// <summary>The optional blocks this section carries.</summary>
    public QuantTables Tables => ExpTable != null ? QuantTables.Softmax : QuantTables.None;

    private static int TablesBytes(QuantTables t) => (t & QuantTables.Softmax) != 0 ? SoftmaxBytes : 0;

    public static int SizeFor(ModelDims d) =>
        FixedBytes + TablesBytes(Schemes.Get(d.Scheme).Tables) + 8 * (d.EmbeddingSize + 2 * d.HiddenSize) + 256 * d.NumLayers;

    public byte[] ToBytes()
    {
        int size = FixedBytes + TablesBytes(Tables) + 8 * (EmbeddingLn.Length + AttentionLn.Length + FullLn.Length) + 256 * Tanh.Length;
        var b = new byte[size];
        int o = 0;
        void I32(int v) { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(o), v); o += 4; }
        I32(Version); I32((int)Tables); I32(AttentionThreshold);
        foreach (var rq in new[] { AttentionResidual, FullResidual }) { I32(rq.Multiplier); I32(rq.Shift); }
        foreach (int v in Exp2Frac) I32(v);
        foreach (int v in Log2Frac) I32(v);
        foreach (sbyte v in Gelu) b[o++] = (byte)v;
        if (ExpTable != null)
        {
            foreach (var rq in new[] { SoftmaxIndex, Context }) { I32(rq.Multiplier); I32(rq.Shift); }
            foreach (int v in ExpTable) I32(v);
        }
        foreach (var ln in new[] { EmbeddingLn, AttentionLn, FullLn })
            foreach (var p in ln) { I32(p.Gain); I32(p.Bias); }
        foreach (var t in Tanh) foreach (sbyte v in t) b[o++] = (byte)v;
        return b;
    }

    /// <summary>Null when the section is valid for these dims (the checks of ni_qparams_check), else the C status
    /// (QuantTables or QuantParams) and what is wrong (one line).</summary>
    public static (NiStatus Status, string Message)? Problem(ReadOnlySpan<byte> b, ModelDims d)
    {
        if (TablesProblem(b, d) is { } t) return (NiStatus.QuantTables, t);
        try
        {
            FromBytes(b, d, "");
            return null;
        }
        catch (InvalidDataException e) { return (NiStatus.QuantParams, e.Message.StartsWith(": ") ? e.Message[2..] : e.Message); }
    }

    /// <summary>NI_ERR_QUANT_TABLES: a version-3 section whose tables bits are not its scheme's; null otherwise.</summary>
    private static string? TablesProblem(ReadOnlySpan<byte> b, ModelDims d)
    {
        if (b.Length < 8 || BinaryPrimitives.ReadInt32LittleEndian(b) != Version) return null;
        var scheme = Schemes.Get(d.Scheme);
        uint tables = BinaryPrimitives.ReadUInt32LittleEndian(b[4..]);
        return tables == (uint)scheme.Tables ? null
            : $"QUANT_PARAMS tables 0x{tables:X}, scheme {scheme.Name} reads exactly 0x{(uint)scheme.Tables:X} ({scheme.Tables})";
    }

    /// <summary>Parses and validates (the checks of ni_qparams_check, in its order); throws a one-line error naming the field.</summary>
    public static QuantParams FromBytes(ReadOnlySpan<byte> b, ModelDims d, string source)
    {
        if (b.Length < 8) throw new InvalidDataException($"{source}: QUANT_PARAMS is {b.Length} bytes, shorter than its version and tables words");
        int o = 0;
        int I32(ReadOnlySpan<byte> s) { int v = BinaryPrimitives.ReadInt32LittleEndian(s[o..]); o += 4; return v; }
        int version = I32(b);
        if (version != Version) throw new InvalidDataException($"{source}: QUANT_PARAMS version {version}, expected {Version}");
        var scheme = Schemes.Get(d.Scheme);
        uint tables = (uint)I32(b);
        if (TablesProblem(b, d) is { } t) throw new InvalidDataException($"{source}: {t}");
        if (b.Length != SizeFor(d))
            throw new InvalidDataException($"{source}: QUANT_PARAMS is {b.Length} bytes, the model dims need {SizeFor(d)}");
        int attn = I32(b), maxAttn = scheme.MaxAbsAttentionThreshold(d);
        if (Math.Abs((long)attn) > maxAttn)
            throw new InvalidDataException($"{source}: QUANT_PARAMS attn_threshold {attn} outside +-{maxAttn} (scheme {scheme.Name}, head size {d.HeadSize})");
        Requant Rq(ReadOnlySpan<byte> s, string name)
        {
            var rq = new Requant(I32(s), I32(s));
            if (!rq.IsValid) throw new InvalidDataException($"{source}: QUANT_PARAMS {name} requantization ({rq.Multiplier}, {rq.Shift}) is out of range");
            return rq;
        }
        var attnRes = Rq(b, "attention residual");
        var fullRes = Rq(b, "full residual");
        int[] Table(ReadOnlySpan<byte> s, int n) { var t = new int[n]; for (int i = 0; i < n; i++) t[i] = I32(s); return t; }
        var exp2 = Table(b, IntegerKernels.FracTableLength);
        var log2 = Table(b, IntegerKernels.FracTableLength);
        if (exp2[0] != 1 << 30 || log2[0] != 0) throw new InvalidDataException($"{source}: QUANT_PARAMS entropy tables must start at 2^30 and 0");
        for (int k = 1; k < exp2.Length; k++)
        {
            if (exp2[k] < 1 << 29 || exp2[k] > exp2[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS exp2 table entry {k} is out of range");
            if (log2[k] > 65536 || log2[k] < log2[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS log2 table entry {k} is out of range");
        }
        var gelu = new sbyte[256];
        for (int i = 0; i < 256; i++) gelu[i] = (sbyte)b[o++];
        Requant softmaxIndex = default, context = default;
        int[]? exp = null;
        if ((tables & (uint)QuantTables.Softmax) != 0)
        {
            softmaxIndex = Rq(b, "softmax index");
            context = Rq(b, "context");
            exp = Table(b, IntegerKernels.ExpTableLength);
            if (exp[0] != 65536) throw new InvalidDataException($"{source}: QUANT_PARAMS exp table must start at 65536");
            for (int k = 1; k < exp.Length; k++)
                if (exp[k] < 0 || exp[k] > exp[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS exp table entry {k} is not in [0, previous]");
        }
        LayerNormParam[] Ln(ReadOnlySpan<byte> s, int n) { var t = new LayerNormParam[n]; for (int i = 0; i < n; i++) t[i] = new LayerNormParam(I32(s), I32(s)); return t; }
        var embLn = Ln(b, d.EmbeddingSize);
        var attLn = Ln(b, d.HiddenSize);
        var fullLn = Ln(b, d.HiddenSize);
        var tanh = new sbyte[d.NumLayers][];
        for (int l = 0; l < d.NumLayers; l++)
        {
            tanh[l] = new sbyte[256];
            for (int i = 0; i < 256; i++) tanh[l][i] = (sbyte)b[o++];
        }
        return new QuantParams
        {
            AttentionThreshold = attn, AttentionResidual = attnRes, FullResidual = fullRes, SoftmaxIndex = softmaxIndex, Context = context,
            ExpTable = exp, Exp2Frac = exp2, Log2Frac = log2, Gelu = gelu,
            EmbeddingLn = embLn, AttentionLn = attLn, FullLn = fullLn, Tanh = tanh,
        };
    }
}
