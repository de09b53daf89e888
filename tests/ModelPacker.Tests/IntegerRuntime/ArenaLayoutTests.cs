using System.Runtime.InteropServices;
using ModelPacker.FlashImage;
using ModelPacker.IntegerRuntime;

namespace ModelPacker.Tests.IntegerRuntime;

/// <summary>The packer's arena size (written into every image header) equals the C runtime's ni_arena_bytes.</summary>
public unsafe class ArenaLayoutTests
{
    private static int NativeArenaBytes(ModelDims d)
    {
        uint size = ((delegate* unmanaged<uint>)NativeKernels.Fn("ni_model_struct_bytes"))();
        var model = Marshal.AllocHGlobal((int)size);
        try
        {
            var dims = NativeDims.Of(d);
            int st = ((delegate* unmanaged<IntPtr, NativeDims*, int>)NativeKernels.Fn("ni_model_init"))(model, &dims);
            Assert.Equal(0, st);
            return (int)((delegate* unmanaged<IntPtr, uint>)NativeKernels.Fn("ni_arena_bytes"))(model);
        }
        finally { Marshal.FreeHGlobal(model); }
    }

    public static TheoryData<SchemeId, int, int, int, int, int, int> Shapes() => new()
    {
        // scheme, E, H, heads, I, positions, labels: tile rows from 32 (T <= 8) to 4 (T >= 64); E above and below H
        { SchemeId.Int8, 96, 128, 4, 384, 32, 7 },
        { SchemeId.Int8, 8, 8, 2, 16, 8, 3 },
        { SchemeId.Int8, 1024, 4, 1, 4, 512, 1024 },
        { SchemeId.Int8, 12, 20, 5, 36, 7, 11 },
        { SchemeId.Int8, 64, 256, 8, 1024, 100, 151 },
        { SchemeId.W1A1, 96, 128, 4, 384, 32, 7 },
        { SchemeId.W1A1, 32, 64, 2, 96, 12, 5 },
        { SchemeId.W1A1, 1024, 32, 1, 32, 3, 2 },
        { SchemeId.W1A1, 64, 1024, 2, 1024, 512, 151 },
        { SchemeId.W1A1, 256, 96, 3, 64, 65, 9 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ThePackersArenaBytesAreTheCRuntimes(SchemeId scheme, int e, int h, int heads, int i, int positions, int labels)
    {
        var d = new ModelDims(100, e, h, heads, i, 2, positions, labels, ActivationId.GeluTanh, scheme);
        Assert.Null(d.Problem());
        var layout = ArenaLayout.Of(d);
        Assert.Equal(NativeArenaBytes(d), layout.Total);
        Assert.Equal(layout.Total, new[] { layout.Wide, layout.Buf, layout.Acc, layout.Row }.Max() + layout.RowBytes);
    }
}
