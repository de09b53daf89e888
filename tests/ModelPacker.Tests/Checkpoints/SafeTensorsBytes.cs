using System.Buffers.Binary;
using System.Text;

namespace ModelPacker.Tests.Checkpoints;

/// <summary>Builds safetensors files by hand, byte by byte, so the reader is tested against the format, not the writer.</summary>
internal static class SafeTensorsBytes
{
    public static byte[] Build(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    /// <summary>A tensor for <see cref="BuildTensors"/>: raw little-endian element bytes.</summary>
    public sealed record Tensor(string Name, string DType, int[] Shape, byte[] Data);

    /// <summary>A well-formed file holding the given tensors back to back.</summary>
    public static byte[] BuildTensors(IEnumerable<Tensor> tensors, string? metadataJson = null)
    {
        var json = new StringBuilder("{");
        if (metadataJson != null) json.Append("\"__metadata__\":").Append(metadataJson).Append(',');
        var data = new MemoryStream();
        foreach (var t in tensors)
        {
            long begin = data.Length;
            data.Write(t.Data);
            json.Append($"\"{t.Name}\":{{\"dtype\":\"{t.DType}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{begin},{data.Length}]}},");
        }
        if (json[^1] == ',') json.Length--;
        json.Append('}');
        return Build(json.ToString(), data.ToArray());
    }

    public static byte[] F32(params float[] values)
    {
        var b = new byte[4 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), values[i]);
        return b;
    }

    public static byte[] F16(params Half[] values)
    {
        var b = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), BitConverter.HalfToUInt16Bits(values[i]));
        return b;
    }

    public static byte[] Raw16(params ushort[] values)
    {
        var b = new byte[2 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(2 * i), values[i]);
        return b;
    }

    public static byte[] I64(params long[] values)
    {
        var b = new byte[8 * values.Length];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 * i), values[i]);
        return b;
    }
}
