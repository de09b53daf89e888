using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ModelPacker.Model;

namespace ModelPacker.Checkpoints;

/// <summary>
/// Writes fp32 tensors in the safetensors format. Tensors are laid out back to back in the order given; the header
/// is padded with spaces to a multiple of 8 bytes so the data starts aligned, as the reference writer does.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>Hugging Face's loaders check <c>format</c> to know the tensors are PyTorch-layout.</summary>
    public static readonly IReadOnlyDictionary<string, string> PyTorchMetadata = new Dictionary<string, string> { ["format"] = "pt" };

    public static void Write(string path, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        Write(stream, tensors, metadata);
        stream.Flush(flushToDisk: true);
    }

    public static void Write(Stream stream, IEnumerable<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var list = tensors.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in list)
        {
            if (t.Name == "__metadata__" || !seen.Add(t.Name))
                throw new ArgumentException($"tensor name '{t.Name}' is reserved or used twice", nameof(tensors));
        }

        byte[] header = BuildHeader(list, metadata);
        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in list)
        {
            if (BitConverter.IsLittleEndian) stream.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
            else
            {
                var buffer = new byte[4];
                foreach (float f in t.Data)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(buffer, f);
                    stream.Write(buffer);
                }
            }
        }
    }

    private static byte[] BuildHeader(List<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject("__metadata__");
                foreach (var (key, value) in metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", SafeTensorsDType.F32);
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += 4L * t.Length;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++) buffer.WriteByte((byte)' ');
        return buffer.ToArray();
    }
}
