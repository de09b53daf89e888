using System.Runtime.InteropServices;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>An image opened by the C runtime (ni_open) from bytes, run through the step API.</summary>
internal sealed unsafe class NativeImage : IDisposable
{
    private readonly GCHandle _image;
    private readonly IntPtr _model;
    private readonly byte[] _arena;

    private NativeImage(byte[] bytes)
    {
        uint size = ((delegate* unmanaged<uint>)NativeKernels.Fn("ni_model_struct_bytes"))();
        _model = Marshal.AllocHGlobal((int)size);
        _image = GCHandle.Alloc(bytes, GCHandleType.Pinned);   // the model points into the image: pinned for its life
        Status = ((delegate* unmanaged<byte*, uint, IntPtr, int>)NativeKernels.Fn("ni_open"))((byte*)_image.AddrOfPinnedObject(), (uint)bytes.Length, _model);
        if (Status != 0) { _arena = []; return; }
        ArenaBytes = (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_arena_bytes"))(_model);
        _arena = new byte[ArenaBytes];
        NumLayers = (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_num_layers"))(_model);
        NumLabels = (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_num_labels"))(_model);
    }

    /// <summary>ni_open's status for these bytes (0 = NI_OK).</summary>
    public int Status { get; }
    public int ArenaBytes { get; }
    public int NumLayers { get; }
    public int NumLabels { get; }

    public static int TryOpen(byte[] bytes)
    {
        using var img = new NativeImage(bytes);
        return img.Status;
    }

    public static NativeImage Open(byte[] bytes)
    {
        var img = new NativeImage(bytes);
        if (img.Status == 0) return img;
        img.Dispose();
        throw new InvalidOperationException($"ni_open returned {img.Status}");
    }

    /// <summary>Opens the image file in the C runtime (ni_open validates it first), asserts that every one of its test
    /// vectors gives the recorded logits, entropy and answer at every layer, and leaves a copy named
    /// <paramref name="runtimeName"/> in <see cref="RuntimeTestImages.Dir"/> for ctest runtime_vectors (host and QEMU).</summary>
    public static void AssertReproducesTestVectors(string path, string runtimeName)
    {
        var image = IntegerImage.Read(path);
        Assert.NotEmpty(image.TestVectors!);
        using var native = Open(File.ReadAllBytes(path));
        foreach (var v in image.TestVectors!)
        {
            var got = native.RunAll(v.Tokens.Select(t => (int)t).ToArray());
            for (int l = 0; l < got.Length; l++)
            {
                Assert.Equal(v.Logits[l], got[l].LogitsQ16);
                Assert.Equal(v.Entropies[l], got[l].EntropyQ16);
                Assert.Equal(v.Answers![l], native.Answer(got[l].LogitsQ16, got[l].EntropyQ16));
            }
        }
        Directory.CreateDirectory(RuntimeTestImages.Dir);
        File.Copy(path, Path.Combine(RuntimeTestImages.Dir, runtimeName), overwrite: true);
    }

    public ExitOutput[] RunAll(int[] ids)
    {
        var r = new ExitOutput[NumLayers];
        fixed (int* p = ids) fixed (byte* a = _arena)
        {
            int st = ((delegate* unmanaged<IntPtr, int*, uint, byte*, uint, int>)NativeKernels.Fn("ni_embed"))(_model, p, (uint)ids.Length, a, (uint)_arena.Length);
            if (st != 0) throw new InvalidOperationException($"ni_embed returned {st}");
            for (int l = 0; l < NumLayers; l++)
            {
                st = ((delegate* unmanaged<IntPtr, uint, byte*, uint, int>)NativeKernels.Fn("ni_run_layer"))(_model, (uint)l, a, (uint)_arena.Length);
                if (st != 0) throw new InvalidOperationException($"ni_run_layer({l}) returned {st}");
                var logits = new int[NumLabels];
                int e;
                fixed (int* pl = logits)
                    st = ((delegate* unmanaged<IntPtr, uint, byte*, uint, int*, uint, int*, int>)NativeKernels.Fn("ni_exit_head"))(_model, (uint)l, a, (uint)_arena.Length, pl, (uint)NumLabels, &e);
                if (st != 0) throw new InvalidOperationException($"ni_exit_head({l}) returned {st}");
                r[l] = new ExitOutput(logits, e);
            }
        }
        return r;
    }

    /// <summary>ni_exit_answer: the label or -1 (unknown) the image's rejection rule gives this exit.</summary>
    public int Answer(int[] logits, int entropyQ16)
    {
        int answer, st;
        fixed (int* pl = logits)
            st = ((delegate* unmanaged<IntPtr, int*, uint, int, int*, int>)NativeKernels.Fn("ni_exit_answer"))(_model, pl, (uint)logits.Length, entropyQ16, &answer);
        if (st != 0) throw new InvalidOperationException($"ni_exit_answer returned {st}");
        return answer;
    }

    public int VocabLookup(string token)
    {
        var b = System.Text.Encoding.UTF8.GetBytes(token);
        fixed (byte* p = b)
            return ((delegate* unmanaged<IntPtr, byte*, uint, int>)NativeKernels.Fn("ni_vocab_lookup"))(_model, p, (uint)b.Length);
    }

    public void Dispose()
    {
        if (_image.IsAllocated) _image.Free();
        Marshal.FreeHGlobal(_model);
    }
}

/// <summary>Where the tests leave images for the ctest runtime_vectors program (native-kernels/build/test-images/runtime).</summary>
internal static class RuntimeTestImages
{
    public static string Dir => Environment.GetEnvironmentVariable("NANO_INTENT_RUNTIME_IMAGES") is { Length: > 0 } d
        ? d : Path.Combine(TestPaths.RepoRoot, "native-kernels", "build", "test-images", "runtime");
}
