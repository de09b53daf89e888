using System.Buffers.Binary;
using ModelPacker.FlashImage;

namespace ModelPacker.IntegerRuntime;

/// <summary>One LayerNorm element: gamma/s_out and beta/s_out in Q16 (ni_ln_param).</summary>
public readonly record struct LayerNormParam(int Gain, int Bias);

/// <summary>
/// The QUANT_PARAMS section (docs/numerics.md): per-site activation requantizations, the softmax and entropy tables,
/// the GELU table, the LayerNorm params, one tanh table per exit, and the Bi-Attention threshold of scheme W1A1. <see cref="ToBytes"/> and <see cref="FromBytes"/>
/// are the byte layout of ni_qparams_fixed followed by the variable part.
/// </summary>
public sealed class QuantParams
{
    public const int Version = 2;
    public const int FixedBytes = 8 + 4 * 8 + 4 * (IntegerKernels.ExpTableLength + 2 * IntegerKernels.FracTableLength) + IntegerKernels.Lut8Length;

    /// <summary>Scheme W1A1: a key counts for a query when their bit agreement s_ij ≥ this (0 in scheme int8).</summary>
    public int AttentionThreshold { get; init; }
    public Requant AttentionResidual { get; init; }
    public Requant FullResidual { get; init; }
    public Requant SoftmaxIndex { get; init; }
    public Requant Context { get; init; }
    public required int[] ExpTable { get; init; }
    public required int[] Exp2Frac { get; init; }
    public required int[] Log2Frac { get; init; }
    public required sbyte[] Gelu { get; init; }
    public required LayerNormParam[] EmbeddingLn { get; init; }
    public required LayerNormParam[] AttentionLn { get; init; }
    public required LayerNormParam[] FullLn { get; init; }
    /// <summary>[layer][256]: tanh(q·s_in) · 127 for q = index − 128.</summary>
    public required sbyte[][] Tanh { get; init; }

    public static int SizeFor(ModelDims d) => FixedBytes + 8 * (d.EmbeddingSize + 2 * d.HiddenSize) + 256 * d.NumLayers;

    public byte[] ToBytes()
    {
        int size = FixedBytes + 8 * (EmbeddingLn.Length + AttentionLn.Length + FullLn.Length) + 256 * Tanh.Length;
        var b = new byte[size];
        int o = 0;
        void I32(int v) { BinaryPrimitives.WriteInt32LittleEndian(b.AsSpan(o), v); o += 4; }
        I32(Version); I32(AttentionThreshold);
        foreach (var rq in new[] { AttentionResidual, FullResidual, SoftmaxIndex, Context }) { I32(rq.Multiplier); I32(rq.Shift); }
        foreach (int v in ExpTable) I32(v);
        foreach (int v in Exp2Frac) I32(v);
        foreach (int v in Log2Frac) I32(v);
        foreach (sbyte v in Gelu) b[o++] = (byte)v;
        foreach (var ln in new[] { EmbeddingLn, AttentionLn, FullLn })
            foreach (var p in ln) { I32(p.Gain); I32(p.Bias); }
        foreach (var t in Tanh) foreach (sbyte v in t) b[o++] = (byte)v;
        return b;
    }

    /// <summary>Null when the section is valid for these dims (the checks of ni_qparams_validate), else what is wrong (one line).</summary>
    public static string? Problem(ReadOnlySpan<byte> b, ModelDims d)
    {
        try
        {
            FromBytes(b, d, "");
            return null;
        }
        catch (InvalidDataException e) { return e.Message.StartsWith(": ") ? e.Message[2..] : e.Message; }
    }

    /// <summary>Parses and validates (the checks of ni_qparams_validate); throws a one-line error naming the field.</summary>
    public static QuantParams FromBytes(ReadOnlySpan<byte> b, ModelDims d, string source)
    {
        if (b.Length != SizeFor(d))
            throw new InvalidDataException($"{source}: QUANT_PARAMS is {b.Length} bytes, the model dims need {SizeFor(d)}");
        int o = 0;
        int I32(ReadOnlySpan<byte> s) { int v = BinaryPrimitives.ReadInt32LittleEndian(s[o..]); o += 4; return v; }
        int version = I32(b);
        if (version != Version) throw new InvalidDataException($"{source}: QUANT_PARAMS version {version}, expected {Version}");
        int attn = I32(b), maxAttn = Schemes.Get(d.Scheme).MaxAbsAttentionThreshold(d);
        if (Math.Abs((long)attn) > maxAttn)
            throw new InvalidDataException($"{source}: QUANT_PARAMS attn_threshold {attn} outside +-{maxAttn} (scheme {Schemes.Get(d.Scheme).Name}, head size {d.HeadSize})");
        var rqs = new Requant[4];
        string[] names = ["attention residual", "full residual", "softmax index", "context"];
        for (int i = 0; i < 4; i++)
        {
            rqs[i] = new Requant(I32(b), I32(b));
            if (!rqs[i].IsValid) throw new InvalidDataException($"{source}: QUANT_PARAMS {names[i]} requantization ({rqs[i].Multiplier}, {rqs[i].Shift}) is out of range");
        }
        int[] Table(ReadOnlySpan<byte> s, int n) { var t = new int[n]; for (int i = 0; i < n; i++) t[i] = I32(s); return t; }
        var exp = Table(b, IntegerKernels.ExpTableLength);
        var exp2 = Table(b, IntegerKernels.FracTableLength);
        var log2 = Table(b, IntegerKernels.FracTableLength);
        if (exp[0] != 65536) throw new InvalidDataException($"{source}: QUANT_PARAMS exp table must start at 65536");
        for (int k = 1; k < exp.Length; k++)
            if (exp[k] < 0 || exp[k] > exp[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS exp table entry {k} is not in [0, previous]");
        if (exp2[0] != 1 << 30 || log2[0] != 0) throw new InvalidDataException($"{source}: QUANT_PARAMS entropy tables must start at 2^30 and 0");
        for (int k = 1; k < exp2.Length; k++)
        {
            if (exp2[k] < 1 << 29 || exp2[k] > exp2[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS exp2 table entry {k} is out of range");
            if (log2[k] > 65536 || log2[k] < log2[k - 1]) throw new InvalidDataException($"{source}: QUANT_PARAMS log2 table entry {k} is out of range");
        }
        var gelu = new sbyte[256];
        for (int i = 0; i < 256; i++) gelu[i] = (sbyte)b[o++];
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
            AttentionThreshold = attn, AttentionResidual = rqs[0], FullResidual = rqs[1], SoftmaxIndex = rqs[2], Context = rqs[3],
            ExpTable = exp, Exp2Frac = exp2, Log2Frac = log2, Gelu = gelu,
            EmbeddingLn = embLn, AttentionLn = attLn, FullLn = fullLn, Tanh = tanh,
        };
    }
}
