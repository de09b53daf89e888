using System.Runtime.InteropServices;
using ModelPacker.Tests.IntegerRuntime;

namespace ModelPacker.Tests.Text;

/// <summary>The C tokenizer (ni_image_open, then ni_tokenize) of the host library, on an image given as bytes.</summary>
internal sealed unsafe class NativeTokenizer : IDisposable
{
    private readonly GCHandle _image;
    private readonly IntPtr _img;
    private readonly uint[] _scratch;
    private readonly delegate* unmanaged<IntPtr, byte*, uint, int*, uint, byte*, uint, int> _tokenize;

    public NativeTokenizer(byte[] image)
    {
        uint size = ((delegate* unmanaged<uint>)NativeKernels.Fn("ni_image_struct_bytes"))();
        _img = Marshal.AllocHGlobal((int)size);
        _image = GCHandle.Alloc(image, GCHandleType.Pinned);    // the ni_image points into the bytes
        int st = ((delegate* unmanaged<byte*, uint, IntPtr, int>)NativeKernels.Fn("ni_image_open"))(
            (byte*)_image.AddrOfPinnedObject(), (uint)image.Length, _img);
        if (st != 0)
        {
            Dispose();
            throw new InvalidOperationException($"ni_image_open returned {st}");
        }
        ScratchBytes = (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_tokenizer_scratch_bytes"))(_img);
        _scratch = new uint[(ScratchBytes + 3) / 4];
        _tokenize = (delegate* unmanaged<IntPtr, byte*, uint, int*, uint, byte*, uint, int>)NativeKernels.Fn("ni_tokenize");
    }

    public int ScratchBytes { get; }

    /// <summary>The ids, or the negative status as the only element.</summary>
    public int[] Tokenize(ReadOnlySpan<byte> utf8, int maxIds, int scratchBytes = -1)
    {
        var ids = new int[Math.Max(maxIds, 1)];
        int n;
        fixed (byte* t = utf8) fixed (int* p = ids) fixed (uint* s = _scratch)
            n = _tokenize(_img, t, (uint)utf8.Length, p, (uint)maxIds, (byte*)s, (uint)(scratchBytes < 0 ? _scratch.Length * 4 : scratchBytes));
        return n < 0 ? [n] : ids[..n];
    }

    public void Dispose()
    {
        if (_image.IsAllocated) _image.Free();
        Marshal.FreeHGlobal(_img);
    }
}
