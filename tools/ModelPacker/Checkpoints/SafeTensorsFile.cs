using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace ModelPacker.Checkpoints;

/// <summary>
/// A safetensors file read into memory and validated by <see cref="SafeTensorsReader"/>. Tensors are converted to
/// fp32 on request, so tensors of types we cannot convert (an int64 <c>position_ids</c> buffer, say) can sit in the
/// file as long as nobody asks for them.
/// </summary>
public sealed class SafeTensorsFile
{
    private readonly byte[] _bytes;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorsEntry> _entries;

    internal SafeTensorsFile(string source, byte[] bytes, long dataStart, List<SafeTensorsEntry> entries,
        Dictionary<string, string> metadata)
    {
        Source = source;
        _bytes = bytes;
        _dataStart = dataStart;
        Entries = entries;
        _entries = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        Metadata = metadata;
    }

    /// <summary>The file name used in error messages.</summary>
    public string Source { get; }

    /// <summary>Tensors in header order.</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The optional <c>__metadata__</c> map (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    public bool Contains(string name) => _entries.ContainsKey(name);

    public SafeTensorsEntry this[string name] => _entries.TryGetValue(name, out var e)
        ? e : throw new CheckpointFormatException($"{Source}: no tensor named '{name}'");

    /// <summary>The tensor's elements as fp32 (F16 and BF16 widened exactly), row-major.</summary>
    public float[] ReadFloat32(string name)
    {
        var entry = this[name];
        var bytes = new ReadOnlySpan<byte>(_bytes, checked((int)(_dataStart + entry.Begin)), checked((int)(entry.End - entry.Begin)));
        var result = new float[entry.ElementCount];
        switch (entry.DType)
        {
            case SafeTensorsDType.F32:
                if (BitConverter.IsLittleEndian) bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
                else for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(4 * i)..]);
                break;
            case SafeTensorsDType.F16:
                for (int i = 0; i < result.Length; i++)
                    result[i] = (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]));
                break;
            case SafeTensorsDType.BF16:
                // bfloat16 is the top half of an IEEE fp32: widening is a shift.
                for (int i = 0; i < result.Length; i++)
                    result[i] = BitConverter.UInt32BitsToSingle((uint)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]) << 16);
                break;
            default:
                throw new CheckpointFormatException(
                    $"{Source}: tensor '{name}' has dtype {entry.DType}; only F32, F16 and BF16 can be loaded");
        }
        return result;
    }
}
