using System.Buffers.Binary;
using System.Text;
using ModelPacker.Checkpoints;
using ModelPacker.Model;

namespace ModelPacker.Tests.Checkpoints;

public class SafeTensorsWriterTests
{
    [Fact]
    public void Round_trip_is_bit_exact_including_nan_payloads_and_negative_zero()
    {
        var a = new NamedTensor("a.weight", 3, 2);
        uint[] bits = [0x7FC00001, 0xFFBADBAD, 0x80000000, 0x00000001, 0x7F800000, 0x3F800000];
        for (int i = 0; i < bits.Length; i++) a.Data[i] = BitConverter.UInt32BitsToSingle(bits[i]);
        var b = new NamedTensor("b.bias", 5);
        var rng = new Random(7);
        for (int i = 0; i < b.Length; i++) b.Data[i] = (float)(rng.NextDouble() * 2 - 1);

        var stream = new MemoryStream();
        SafeTensorsWriter.Write(stream, [a, b], SafeTensorsWriter.PyTorchMetadata);
        var file = SafeTensorsReader.Parse(stream.ToArray(), "mem");

        Assert.Equal(["a.weight", "b.bias"], file.Entries.Select(e => e.Name));
        Assert.Equal([3, 2], file["a.weight"].Shape);
        Assert.Equal(bits, file.ReadFloat32("a.weight").Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal(b.Data.Select(BitConverter.SingleToUInt32Bits), file.ReadFloat32("b.bias").Select(BitConverter.SingleToUInt32Bits));
        Assert.Equal("pt", file.Metadata["format"]);
    }

    [Fact]
    public void Header_is_padded_so_data_starts_8_byte_aligned()
    {
        foreach (string name in new[] { "x", "xy", "xyz", "wxyz", "vwxyz" })
        {
            var stream = new MemoryStream();
            SafeTensorsWriter.Write(stream, [new NamedTensor(name, 1)]);
            var bytes = stream.ToArray();
            ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.Equal(0ul, n % 8);
            Assert.Equal(8 + (long)n + 4, bytes.Length);
            string header = Encoding.UTF8.GetString(bytes, 8, (int)n);
            Assert.Equal($"{{\"{name}\":{{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}}}", header.TrimEnd(' '));
        }
    }

    [Fact]
    public void Duplicate_tensor_names_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(new MemoryStream(), [new NamedTensor("a", 1), new NamedTensor("a", 2)]));
        Assert.Throws<ArgumentException>(() => SafeTensorsWriter.Write(new MemoryStream(), [new NamedTensor("__metadata__", 1)]));
    }
}
