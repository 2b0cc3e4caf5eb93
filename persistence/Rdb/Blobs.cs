using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RedisLite.Persistence.Rdb;

/// <summary>Decoders for the packed blobs inside RDB values: ziplist, listpack, intset, zipmap.</summary>
public static class Blobs
{
    private static byte[] Num(long v) => Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture));

    public static List<byte[]> Listpack(byte[] lp, Func<string, Exception> fail)
    {
        var items = new List<byte[]>();
        if (lp.Length < 7) throw fail("Listpack too short");
        uint total = BinaryPrimitives.ReadUInt32LittleEndian(lp);
        if (total != lp.Length) throw fail("Listpack length mismatch");
        int p = 6;
        while (true)
        {
            if (p >= lp.Length) throw fail("Listpack without terminator");
            byte b = lp[p];
            if (b == 0xFF) break;
            int len;
            if ((b & 0x80) == 0) { items.Add(Num(b & 0x7F)); len = 1; }
            else if ((b & 0xC0) == 0x80) { len = 1 + (b & 0x3F); Check(lp, p, len, fail); items.Add(lp[(p + 1)..(p + len)]); }
            else if ((b & 0xE0) == 0xC0)
            {
                Check(lp, p, 2, fail);
                int v = ((b & 0x1F) << 8) | lp[p + 1];
                items.Add(Num(v >= 1 << 12 ? v - (1 << 13) : v));
                len = 2;
            }
            else if ((b & 0xF0) == 0xE0)
            {
                Check(lp, p, 2, fail);
                int sl = ((b & 0x0F) << 8) | lp[p + 1];
                len = 2 + sl;
                Check(lp, p, len, fail);
                items.Add(lp[(p + 2)..(p + len)]);
            }
            else
            {
                switch (b)
                {
                    case 0xF1: Check(lp, p, 3, fail); items.Add(Num(BinaryPrimitives.ReadInt16LittleEndian(lp.AsSpan(p + 1)))); len = 3; break;
                    case 0xF2:
                        Check(lp, p, 4, fail);
                        items.Add(Num(((lp[p + 1] | (lp[p + 2] << 8) | (lp[p + 3] << 16)) << 8) >> 8));
                        len = 4;
                        break;
                    case 0xF3: Check(lp, p, 5, fail); items.Add(Num(BinaryPrimitives.ReadInt32LittleEndian(lp.AsSpan(p + 1)))); len = 5; break;
                    case 0xF4: Check(lp, p, 9, fail); items.Add(Num(BinaryPrimitives.ReadInt64LittleEndian(lp.AsSpan(p + 1)))); len = 9; break;
                    case 0xF0:
                    {
                        Check(lp, p, 5, fail);
                        long sl = BinaryPrimitives.ReadUInt32LittleEndian(lp.AsSpan(p + 1));
                        if (sl > lp.Length) throw fail("Listpack string too long");
                        len = 5 + (int)sl;
                        Check(lp, p, len, fail);
                        items.Add(lp[(p + 5)..(p + len)]);
                        break;
                    }
                    default: throw fail($"Invalid listpack entry encoding 0x{b:x2}");
                }
            }
            p += len + (len <= 127 ? 1 : len < 16383 ? 2 : len < 2097151 ? 3 : len < 268435455 ? 4 : 5);
        }
        return items;
    }

    private static void Check(byte[] buf, int p, int len, Func<string, Exception> fail)
    {
        if (p + len > buf.Length) throw fail("Packed entry runs past the end of its blob");
    }

    public static List<byte[]> Ziplist(byte[] zl, Func<string, Exception> fail)
    {
        var items = new List<byte[]>();
        if (zl.Length < 11) throw fail("Ziplist too short");
        int p = 10;
        while (true)
        {
            if (p >= zl.Length) throw fail("Ziplist without terminator");
            if (zl[p] == 0xFF) break;
            p += zl[p] == 0xFE ? 5 : 1; // prevlen
            Check(zl, p, 1, fail);
            byte b = zl[p];
            switch (b >> 6)
            {
                case 0: { int n = b & 0x3F; Check(zl, p, 1 + n, fail); items.Add(zl[(p + 1)..(p + 1 + n)]); p += 1 + n; continue; }
                case 1: { Check(zl, p, 2, fail); int n = ((b & 0x3F) << 8) | zl[p + 1]; Check(zl, p, 2 + n, fail); items.Add(zl[(p + 2)..(p + 2 + n)]); p += 2 + n; continue; }
                case 2:
                {
                    Check(zl, p, 5, fail);
                    long n = BinaryPrimitives.ReadUInt32BigEndian(zl.AsSpan(p + 1));
                    if (n > zl.Length) throw fail("Ziplist string too long");
                    Check(zl, p, 5 + (int)n, fail);
                    items.Add(zl[(p + 5)..(p + 5 + (int)n)]);
                    p += 5 + (int)n;
                    continue;
                }
            }
            switch (b)
            {
                case 0xC0: Check(zl, p, 3, fail); items.Add(Num(BinaryPrimitives.ReadInt16LittleEndian(zl.AsSpan(p + 1)))); p += 3; break;
                case 0xD0: Check(zl, p, 5, fail); items.Add(Num(BinaryPrimitives.ReadInt32LittleEndian(zl.AsSpan(p + 1)))); p += 5; break;
                case 0xE0: Check(zl, p, 9, fail); items.Add(Num(BinaryPrimitives.ReadInt64LittleEndian(zl.AsSpan(p + 1)))); p += 9; break;
                case 0xF0: Check(zl, p, 4, fail); items.Add(Num(((zl[p + 1] | (zl[p + 2] << 8) | (zl[p + 3] << 16)) << 8) >> 8)); p += 4; break;
                case 0xFE: Check(zl, p, 2, fail); items.Add(Num((sbyte)zl[p + 1])); p += 2; break;
                default:
                    if (b >= 0xF1 && b <= 0xFD) { items.Add(Num((b & 0x0F) - 1)); p += 1; break; }
                    throw fail($"Invalid ziplist entry encoding 0x{b:x2}");
            }
        }
        return items;
    }

    public static List<byte[]> Intset(byte[] s, Func<string, Exception> fail)
    {
        if (s.Length < 8) throw fail("Intset too short");
        uint enc = BinaryPrimitives.ReadUInt32LittleEndian(s);
        uint n = BinaryPrimitives.ReadUInt32LittleEndian(s.AsSpan(4));
        if (enc is not (2 or 4 or 8) || 8 + (long)n * enc != s.Length) throw fail("Intset integrity check failed");
        var items = new List<byte[]>((int)n);
        for (int i = 0; i < n; i++)
        {
            var span = s.AsSpan(8 + i * (int)enc);
            long v = enc == 2 ? BinaryPrimitives.ReadInt16LittleEndian(span) : enc == 4 ? BinaryPrimitives.ReadInt32LittleEndian(span) : BinaryPrimitives.ReadInt64LittleEndian(span);
            items.Add(Num(v));
        }
        return items;
    }

    public static List<(byte[], byte[])> Zipmap(byte[] zm, Func<string, Exception> fail)
    {
        var pairs = new List<(byte[], byte[])>();
        int p = 1;
        byte[] Next(ref int q, bool value)
        {
            Check(zm, q, 1, fail);
            int len = zm[q];
            if (len == 254) { Check(zm, q, 5, fail); len = (int)BinaryPrimitives.ReadUInt32LittleEndian(zm.AsSpan(q + 1)); q += 5; }
            else q += 1;
            int free = 0;
            if (value) { Check(zm, q, 1, fail); free = zm[q]; q += 1; }
            Check(zm, q, len + free, fail);
            var r = zm[q..(q + len)];
            q += len + free;
            return r;
        }
        while (true)
        {
            Check(zm, p, 1, fail);
            if (zm[p] == 255) break;
            var k = Next(ref p, false);
            var v = Next(ref p, true);
            pairs.Add((k, v));
        }
        return pairs;
    }
}
