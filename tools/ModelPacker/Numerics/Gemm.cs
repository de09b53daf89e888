using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace ModelPacker.Numerics;

/// <summary>
/// Single-threaded fp32 matrix multiply C (=|+=) A·B, all row-major with explicit leading dimensions, plus the three
/// forms backpropagation through a linear layer needs. The hot path is a 6×16 register tile (12 accumulators of
/// Vector256 + FMA) over a packed 16-column panel of B; with AVX-512 a 6×32 tile (12 Vector512 accumulators) takes the
/// 32-column panels first. Both tiles do the same fused multiply-add per element of C in the same order of k, so
/// the result is bit-identical with or without AVX-512. Without AVX2/FMA a Vector&lt;float&gt; loop does the work.
/// Training parallelises over the batch, so this routine never spawns threads.
/// </summary>
public static unsafe class Gemm
{
    private const int Mr = 6, Nr = 16, Nr512 = 32;

    /// <summary>Whether <see cref="MatMul"/> takes the FMA kernel: fixed by the CPU for the life of the process, so
    /// every caller (and every test running in parallel) sees the same arithmetic.</summary>
    public static bool UsesFma { get; } = Fma.IsSupported && Avx.IsSupported;

    /// <summary>Whether the FMA kernel also takes 32-column panels with AVX-512 (same results, fewer instructions).</summary>
    public static bool UsesAvx512 { get; } = UsesFma && Avx512F.IsSupported;

    [ThreadStatic] private static float[]? t_panel;

    /// <summary>C[m,n] = (accumulate ? C : 0) + A[m,k]·B[k,n], with the fastest kernel this CPU has.</summary>
    public static void MatMul(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        if (UsesFma) MatMulFma(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
        else MatMulPortable(a, lda, b, ldb, c, ldc, m, n, k, accumulate);
    }

    /// <summary><see cref="MatMul"/> with the Vector256 + FMA kernel; the CPU must support it (<see cref="UsesFma"/>).
    /// Internal so that tests can check each kernel without a process-wide switch.</summary>
    internal static void MatMulFma(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        if (!UsesFma) throw new PlatformNotSupportedException("the FMA GEMM kernel needs AVX and FMA");
        if (HandledWithoutKernel(a, lda, b, ldb, c, ldc, m, n, k, accumulate)) return;
        fixed (float* pa = a, pb = b, pc = c) FmaKernel(pa, lda, pb, ldb, pc, ldc, m, n, k, accumulate, UsesAvx512);
    }

    /// <summary><see cref="MatMulFma"/> without the AVX-512 panels, so tests can hold the two equal.</summary>
    internal static void MatMulFma256(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        if (!UsesFma) throw new PlatformNotSupportedException("the FMA GEMM kernel needs AVX and FMA");
        if (HandledWithoutKernel(a, lda, b, ldb, c, ldc, m, n, k, accumulate)) return;
        fixed (float* pa = a, pb = b, pc = c) FmaKernel(pa, lda, pb, ldb, pc, ldc, m, n, k, accumulate, wide: false);
    }

    /// <summary><see cref="MatMul"/> with the portable Vector&lt;float&gt; kernel, which runs on any CPU.</summary>
    internal static void MatMulPortable(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        if (HandledWithoutKernel(a, lda, b, ldb, c, ldc, m, n, k, accumulate)) return;
        fixed (float* pa = a, pb = b, pc = c) PortableKernel(pa, lda, pb, ldb, pc, ldc, m, n, k, accumulate);
    }

    /// <summary>Checks the views against their buffers and does the empty cases (the kernels assume m, n, k ≥ 1).</summary>
    private static bool HandledWithoutKernel(ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc,
        int m, int n, int k, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k == 0) { if (!accumulate) for (int i = 0; i < m; i++) c.Slice(i * ldc, n).Clear(); return true; }
        if ((long)(m - 1) * lda + k > a.Length || (long)(k - 1) * ldb + n > b.Length || (long)(m - 1) * ldc + n > c.Length)
            throw new ArgumentException("matrix view exceeds its buffer");
        return false;
    }

    /// <summary>Y[m,out] = X[m,in]·Wᵀ + b, with W given pre-transposed as wT[in,out] (the forward pass of a linear layer).</summary>
    public static void LinearForward(ReadOnlySpan<float> x, ReadOnlySpan<float> wT, ReadOnlySpan<float> bias,
        Span<float> y, int m, int inFeatures, int outFeatures)
    {
        for (int i = 0; i < m; i++) bias[..outFeatures].CopyTo(y.Slice(i * outFeatures, outFeatures));
        MatMul(x, inFeatures, wT, outFeatures, y, outFeatures, m, outFeatures, inFeatures, accumulate: true);
    }

    /// <summary>dX[m,in] (=|+=) dY[m,out]·W[out,in] (gradient of a linear layer's input).</summary>
    public static void LinearBackwardInput(ReadOnlySpan<float> dy, ReadOnlySpan<float> w, Span<float> dx,
        int m, int inFeatures, int outFeatures, bool accumulate)
        => MatMul(dy, outFeatures, w, inFeatures, dx, inFeatures, m, inFeatures, outFeatures, accumulate);

    /// <summary>dW[out,in] += dY[m,out]ᵀ·X[m,in] and dB[out] += Σ rows of dY (gradients of a linear layer's parameters).
    /// <paramref name="scratch"/> holds dYᵀ and needs m·out floats.</summary>
    public static void LinearBackwardWeight(ReadOnlySpan<float> dy, ReadOnlySpan<float> x, Span<float> dw, Span<float> db,
        int m, int inFeatures, int outFeatures, Span<float> scratch)
    {
        Transpose(dy, scratch, m, outFeatures);
        MatMul(scratch, m, x, inFeatures, dw, inFeatures, outFeatures, inFeatures, m, accumulate: true);
        for (int i = 0; i < m; i++)
            System.Numerics.Tensors.TensorPrimitives.Add(db[..outFeatures], dy.Slice(i * outFeatures, outFeatures), db[..outFeatures]);
    }

    /// <summary>dst[cols,rows] = src[rows,cols]ᵀ: 8×8 blocks through AVX registers where the CPU has them, the rest
    /// element by element. A training step transposes every weight matrix and every layer's output gradient, so this
    /// is on the hot path.</summary>
    public static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols) =>
        Transpose(src, dst, rows, cols, Avx.IsSupported);

    /// <summary><see cref="Transpose"/> element by element, so tests can hold the two equal.</summary>
    internal static void TransposeScalar(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols) =>
        Transpose(src, dst, rows, cols, blocks: false);

    private static void Transpose(ReadOnlySpan<float> src, Span<float> dst, int rows, int cols, bool blocks)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols > src.Length || (long)rows * cols > dst.Length)
            throw new ArgumentException($"a {rows}×{cols} transpose needs {(long)rows * cols} floats in and out");
        fixed (float* s = src, d = dst) TransposeKernel(s, d, rows, cols, blocks);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeKernel(float* s, float* d, int rows, int cols, bool blocks)
    {
        int rows8 = blocks ? rows - rows % 8 : 0, cols8 = blocks ? cols - cols % 8 : 0;
        for (int i = 0; i < rows8; i += 8)
        for (int j = 0; j < cols8; j += 8)
            Transpose8x8(s + (long)i * cols + j, cols, d + (long)j * rows + i, rows);
        // What the blocks leave: the columns right of them, then the rows below them.
        for (int i = 0; i < rows8; i++)
        for (int j = cols8; j < cols; j++)
            d[(long)j * rows + i] = s[(long)i * cols + j];
        for (int i = rows8; i < rows; i++)
        for (int j = 0; j < cols; j++)
            d[(long)j * rows + i] = s[(long)i * cols + j];
    }

    /// <summary>One 8×8 block: pairs of rows interleaved, then pairs of pairs, then the 128-bit halves swapped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, int ls, float* d, int ld)
    {
        var r0 = Avx.LoadVector256(s); var r1 = Avx.LoadVector256(s + ls);
        var r2 = Avx.LoadVector256(s + 2 * ls); var r3 = Avx.LoadVector256(s + 3 * ls);
        var r4 = Avx.LoadVector256(s + 4 * ls); var r5 = Avx.LoadVector256(s + 5 * ls);
        var r6 = Avx.LoadVector256(s + 6 * ls); var r7 = Avx.LoadVector256(s + 7 * ls);
        var t0 = Avx.UnpackLow(r0, r1); var t1 = Avx.UnpackHigh(r0, r1);
        var t2 = Avx.UnpackLow(r2, r3); var t3 = Avx.UnpackHigh(r2, r3);
        var t4 = Avx.UnpackLow(r4, r5); var t5 = Avx.UnpackHigh(r4, r5);
        var t6 = Avx.UnpackLow(r6, r7); var t7 = Avx.UnpackHigh(r6, r7);
        var u0 = Avx.Shuffle(t0, t2, 0x44); var u1 = Avx.Shuffle(t0, t2, 0xEE);
        var u2 = Avx.Shuffle(t1, t3, 0x44); var u3 = Avx.Shuffle(t1, t3, 0xEE);
        var u4 = Avx.Shuffle(t4, t6, 0x44); var u5 = Avx.Shuffle(t4, t6, 0xEE);
        var u6 = Avx.Shuffle(t5, t7, 0x44); var u7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(d, Avx.Permute2x128(u0, u4, 0x20));
        Avx.Store(d + ld, Avx.Permute2x128(u1, u5, 0x20));
        Avx.Store(d + 2 * ld, Avx.Permute2x128(u2, u6, 0x20));
        Avx.Store(d + 3 * ld, Avx.Permute2x128(u3, u7, 0x20));
        Avx.Store(d + 4 * ld, Avx.Permute2x128(u0, u4, 0x31));
        Avx.Store(d + 5 * ld, Avx.Permute2x128(u1, u5, 0x31));
        Avx.Store(d + 6 * ld, Avx.Permute2x128(u2, u6, 0x31));
        Avx.Store(d + 7 * ld, Avx.Permute2x128(u3, u7, 0x31));
    }

    /// <summary>Floating-point operations of one MatMul (for throughput reports).</summary>
    public static double Flops(int m, int n, int k) => 2.0 * m * n * k;

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void FmaKernel(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool acc, bool wide)
    {
        int nWide = wide ? n - n % Nr512 : 0;
        int nFull = n - n % Nr;
        if (nFull > 0)
        {
            var panel = t_panel is { } p && p.Length >= k * Nr512 ? p : (t_panel = new float[Math.Max(k * Nr512, 4096)]);
            fixed (float* pp = panel)
            {
                for (int j = 0; j < nWide; j += Nr512)
                {
                    for (int p2 = 0; p2 < k; p2++)
                    {
                        float* src = b + (long)p2 * ldb + j;
                        Avx512F.Store(pp + p2 * Nr512, Avx512F.LoadVector512(src));
                        Avx512F.Store(pp + p2 * Nr512 + 16, Avx512F.LoadVector512(src + 16));
                    }
                    int i = 0;
                    for (; i + Mr <= m; i += Mr) Tile6x32(a + (long)i * lda, lda, pp, c + (long)i * ldc + j, ldc, k, acc);
                    for (; i < m; i++) Tile1x32(a + (long)i * lda, pp, c + (long)i * ldc + j, k, acc);
                }
                for (int j = nWide; j < nFull; j += Nr)
                {
                    // Pack the 16 columns of B into a contiguous k×16 panel: the tile loop then streams it linearly.
                    for (int p2 = 0; p2 < k; p2++)
                    {
                        float* src = b + (long)p2 * ldb + j;
                        Avx.Store(pp + p2 * Nr, Avx.LoadVector256(src));
                        Avx.Store(pp + p2 * Nr + 8, Avx.LoadVector256(src + 8));
                    }
                    int i = 0;
                    for (; i + Mr <= m; i += Mr) Tile6x16(a + (long)i * lda, lda, pp, c + (long)i * ldc + j, ldc, k, acc);
                    for (; i < m; i++) Tile1x16(a + (long)i * lda, pp, c + (long)i * ldc + j, k, acc);
                }
            }
        }
        if (nFull < n) EdgeColumns(a, lda, b, ldb, c, ldc, m, nFull, n, k, acc);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x16(float* a, int lda, float* panel, float* c, int ldc, int k, bool acc)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc)
        {
            c00 = Avx.LoadVector256(c); c01 = Avx.LoadVector256(c + 8);
            c10 = Avx.LoadVector256(c + ldc); c11 = Avx.LoadVector256(c + ldc + 8);
            c20 = Avx.LoadVector256(c + 2 * ldc); c21 = Avx.LoadVector256(c + 2 * ldc + 8);
            c30 = Avx.LoadVector256(c + 3 * ldc); c31 = Avx.LoadVector256(c + 3 * ldc + 8);
            c40 = Avx.LoadVector256(c + 4 * ldc); c41 = Avx.LoadVector256(c + 4 * ldc + 8);
            c50 = Avx.LoadVector256(c + 5 * ldc); c51 = Avx.LoadVector256(c + 5 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        float* bp = panel;
        for (int p = 0; p < k; p++, bp += Nr)
        {
            var b0 = Avx.LoadVector256(bp);
            var b1 = Avx.LoadVector256(bp + 8);
            var x = Vector256.Create(a0[p]); c00 = Fma.MultiplyAdd(x, b0, c00); c01 = Fma.MultiplyAdd(x, b1, c01);
            x = Vector256.Create(a1[p]); c10 = Fma.MultiplyAdd(x, b0, c10); c11 = Fma.MultiplyAdd(x, b1, c11);
            x = Vector256.Create(a2[p]); c20 = Fma.MultiplyAdd(x, b0, c20); c21 = Fma.MultiplyAdd(x, b1, c21);
            x = Vector256.Create(a3[p]); c30 = Fma.MultiplyAdd(x, b0, c30); c31 = Fma.MultiplyAdd(x, b1, c31);
            x = Vector256.Create(a4[p]); c40 = Fma.MultiplyAdd(x, b0, c40); c41 = Fma.MultiplyAdd(x, b1, c41);
            x = Vector256.Create(a5[p]); c50 = Fma.MultiplyAdd(x, b0, c50); c51 = Fma.MultiplyAdd(x, b1, c51);
        }
        Avx.Store(c, c00); Avx.Store(c + 8, c01);
        Avx.Store(c + ldc, c10); Avx.Store(c + ldc + 8, c11);
        Avx.Store(c + 2 * ldc, c20); Avx.Store(c + 2 * ldc + 8, c21);
        Avx.Store(c + 3 * ldc, c30); Avx.Store(c + 3 * ldc + 8, c31);
        Avx.Store(c + 4 * ldc, c40); Avx.Store(c + 4 * ldc + 8, c41);
        Avx.Store(c + 5 * ldc, c50); Avx.Store(c + 5 * ldc + 8, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x32(float* a, int lda, float* panel, float* c, int ldc, int k, bool acc)
    {
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (acc)
        {
            c00 = Avx512F.LoadVector512(c); c01 = Avx512F.LoadVector512(c + 16);
            c10 = Avx512F.LoadVector512(c + ldc); c11 = Avx512F.LoadVector512(c + ldc + 16);
            c20 = Avx512F.LoadVector512(c + 2 * ldc); c21 = Avx512F.LoadVector512(c + 2 * ldc + 16);
            c30 = Avx512F.LoadVector512(c + 3 * ldc); c31 = Avx512F.LoadVector512(c + 3 * ldc + 16);
            c40 = Avx512F.LoadVector512(c + 4 * ldc); c41 = Avx512F.LoadVector512(c + 4 * ldc + 16);
            c50 = Avx512F.LoadVector512(c + 5 * ldc); c51 = Avx512F.LoadVector512(c + 5 * ldc + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector512<float>.Zero;
        }
        float* a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, a4 = a + 4 * lda, a5 = a + 5 * lda;
        float* bp = panel;
        for (int p = 0; p < k; p++, bp += Nr512)
        {
            var b0 = Avx512F.LoadVector512(bp);
            var b1 = Avx512F.LoadVector512(bp + 16);
            var x = Vector512.Create(a0[p]); c00 = Avx512F.FusedMultiplyAdd(x, b0, c00); c01 = Avx512F.FusedMultiplyAdd(x, b1, c01);
            x = Vector512.Create(a1[p]); c10 = Avx512F.FusedMultiplyAdd(x, b0, c10); c11 = Avx512F.FusedMultiplyAdd(x, b1, c11);
            x = Vector512.Create(a2[p]); c20 = Avx512F.FusedMultiplyAdd(x, b0, c20); c21 = Avx512F.FusedMultiplyAdd(x, b1, c21);
            x = Vector512.Create(a3[p]); c30 = Avx512F.FusedMultiplyAdd(x, b0, c30); c31 = Avx512F.FusedMultiplyAdd(x, b1, c31);
            x = Vector512.Create(a4[p]); c40 = Avx512F.FusedMultiplyAdd(x, b0, c40); c41 = Avx512F.FusedMultiplyAdd(x, b1, c41);
            x = Vector512.Create(a5[p]); c50 = Avx512F.FusedMultiplyAdd(x, b0, c50); c51 = Avx512F.FusedMultiplyAdd(x, b1, c51);
        }
        Avx512F.Store(c, c00); Avx512F.Store(c + 16, c01);
        Avx512F.Store(c + ldc, c10); Avx512F.Store(c + ldc + 16, c11);
        Avx512F.Store(c + 2 * ldc, c20); Avx512F.Store(c + 2 * ldc + 16, c21);
        Avx512F.Store(c + 3 * ldc, c30); Avx512F.Store(c + 3 * ldc + 16, c31);
        Avx512F.Store(c + 4 * ldc, c40); Avx512F.Store(c + 4 * ldc + 16, c41);
        Avx512F.Store(c + 5 * ldc, c50); Avx512F.Store(c + 5 * ldc + 16, c51);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x32(float* a, float* panel, float* c, int k, bool acc)
    {
        var c0 = acc ? Avx512F.LoadVector512(c) : Vector512<float>.Zero;
        var c1 = acc ? Avx512F.LoadVector512(c + 16) : Vector512<float>.Zero;
        float* bp = panel;
        for (int p = 0; p < k; p++, bp += Nr512)
        {
            var x = Vector512.Create(a[p]);
            c0 = Avx512F.FusedMultiplyAdd(x, Avx512F.LoadVector512(bp), c0);
            c1 = Avx512F.FusedMultiplyAdd(x, Avx512F.LoadVector512(bp + 16), c1);
        }
        Avx512F.Store(c, c0); Avx512F.Store(c + 16, c1);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Tile1x16(float* a, float* panel, float* c, int k, bool acc)
    {
        var c0 = acc ? Avx.LoadVector256(c) : Vector256<float>.Zero;
        var c1 = acc ? Avx.LoadVector256(c + 8) : Vector256<float>.Zero;
        float* bp = panel;
        for (int p = 0; p < k; p++, bp += Nr)
        {
            var x = Vector256.Create(a[p]);
            c0 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp), c0);
            c1 = Fma.MultiplyAdd(x, Avx.LoadVector256(bp + 8), c1);
        }
        Avx.Store(c, c0); Avx.Store(c + 8, c1);
    }

    /// <summary>Columns [j0, n) that do not fill a 16-wide panel (e.g. a classifier with 7 labels).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void EdgeColumns(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int j0, int n, int k, bool acc)
    {
        for (int i = 0; i < m; i++)
        {
            float* ci = c + (long)i * ldc;
            float* ai = a + (long)i * lda;
            if (!acc) for (int j = j0; j < n; j++) ci[j] = 0f;
            for (int p = 0; p < k; p++)
            {
                float x = ai[p];
                float* bRow = b + (long)p * ldb;
                for (int j = j0; j < n; j++) ci[j] = MathF.FusedMultiplyAdd(x, bRow[j], ci[j]);
            }
        }
    }

    /// <summary>Row-by-row axpy with Vector&lt;float&gt;, for CPUs without AVX2/FMA.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void PortableKernel(float* a, int lda, float* b, int ldb, float* c, int ldc, int m, int n, int k, bool acc)
    {
        int w = Vector<float>.Count;
        int nVec = n - n % w;
        for (int i = 0; i < m; i++)
        {
            float* ci = c + (long)i * ldc;
            float* ai = a + (long)i * lda;
            if (!acc) new Span<float>(ci, n).Clear();
            for (int p = 0; p < k; p++)
            {
                var x = new Vector<float>(ai[p]);
                float* bRow = b + (long)p * ldb;
                int j = 0;
                for (; j < nVec; j += w)
                {
                    var cv = Unsafe.ReadUnaligned<Vector<float>>(ci + j);
                    var bv = Unsafe.ReadUnaligned<Vector<float>>(bRow + j);
                    Unsafe.WriteUnaligned(ci + j, cv + x * bv);
                }
                for (; j < n; j++) ci[j] = MathF.FusedMultiplyAdd(ai[p], bRow[j], ci[j]);
            }
        }
    }
}
