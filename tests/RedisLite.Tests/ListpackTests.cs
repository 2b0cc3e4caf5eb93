using System.Text;
using RedisLite.Store;

namespace RedisLite.Tests;

/// <summary>The region listpack against a List model: every encoding width, both walk directions, edits.</summary>
public class ListpackTests
{
    private static string[] Samples =>
    [
        "0", "127", "128", "-1", "-4096", "4095", "4096", "-4097", "32767", "-32768", "32768", "8388607", "-8388608",
        "8388608", "2147483647", "-2147483648", "2147483648", "9223372036854775807", "-9223372036854775808",
        "", "a", new string('x', 63), new string('y', 64), new string('z', 4095), new string('w', 4096),
        new string('v', 70000), "007", "+5", "1.5", "-0", " 1",
    ];

    [Fact]
    public void RandomEditsMatchAModel()
    {
        using var ks = new Keyspace(1UL << 32, 1);
        var lpo = new Listpack(ks);
        var rng = new Random(1234);
        ulong lp = lpo.Create();
        var model = new List<string>();
        for (int step = 0; step < 3000; step++)
        {
            string v = rng.Next(4) == 0 ? Samples[rng.Next(Samples.Length)] : rng.Next(-100000, 100000).ToString();
            switch (rng.Next(5))
            {
                case 0: lpo.Append(ref lp, Encoding.UTF8.GetBytes(v)); model.Add(v); break;
                case 1: lpo.Prepend(ref lp, Encoding.UTF8.GetBytes(v)); model.Insert(0, v); break;
                case 2 when model.Count > 0:
                {
                    int i = rng.Next(model.Count);
                    lpo.Replace(ref lp, lpo.Seek(lp, i), Encoding.UTF8.GetBytes(v));
                    model[i] = v;
                    break;
                }
                case 3 when model.Count > 0:
                {
                    int i = rng.Next(model.Count), n = rng.Next(1, 4);
                    lpo.Delete(ref lp, lpo.Seek(lp, i), n);
                    model.RemoveRange(i, Math.Min(n, model.Count - i));
                    break;
                }
                default:
                {
                    int i = rng.Next(model.Count + 1);
                    int pos = i == model.Count ? (int)lpo.Bytes(lp) - 1 : lpo.Seek(lp, i);
                    lpo.InsertAt(ref lp, pos, Encoding.UTF8.GetBytes(v));
                    model.Insert(i, v);
                    break;
                }
            }
            if (step % 50 == 0 || step > 2950) AssertSame(lpo, lp, model);
        }
        lpo.Free(lp);
    }

    private static void AssertSame(Listpack lpo, ulong lp, List<string> model)
    {
        Assert.Equal(model.Count, lpo.Count(lp));
        Span<byte> scratch = stackalloc byte[20];
        var forward = new List<string>();
        for (int pos = lpo.First(lp); pos >= 0; pos = lpo.Next(lp, pos))
            forward.Add(Encoding.UTF8.GetString(lpo.GetBytes(lp, pos, scratch)));
        Assert.Equal(model, forward);
        var backward = new List<string>();
        for (int pos = lpo.Last(lp); pos >= 0; pos = lpo.Prev(lp, pos))
            backward.Add(Encoding.UTF8.GetString(lpo.GetBytes(lp, pos, scratch)));
        backward.Reverse();
        Assert.Equal(model, backward);
        Assert.Equal(0xFF, lpo.Image(lp)[^1]);
    }

    [Fact]
    public void IntegersUseRedisEncodings()
    {
        using var ks = new Keyspace(1UL << 32, 1);
        var lpo = new Listpack(ks);
        ulong lp = lpo.Create();
        lpo.Append(ref lp, "5"u8);      // 7-bit uint: 1 byte + backlen
        lpo.Append(ref lp, "-1"u8);     // 13-bit int: 2 bytes + backlen
        lpo.Append(ref lp, "abc"u8);    // 6-bit str: 1 + 3 + backlen
        Assert.Equal(new byte[] { 17, 0, 0, 0, 3, 0, 0x05, 1, 0xDF, 0xFF, 2, 0x83, (byte)'a', (byte)'b', (byte)'c', 4, 0xFF },
            lpo.Image(lp).ToArray());
    }
}
