namespace RedisLite.Persistence.Rdb;

/// <summary>LZF decompression (the format native/lzf.c writes and Redis uses for RDB_ENC_LZF).</summary>
public static class Lzf
{
    /// <summary>Decompresses into a new array of exactly <paramref name="length"/> bytes; null if the data is corrupt.</summary>
    public static byte[]? Decompress(ReadOnlySpan<byte> input, int length)
    {
        var output = new byte[length];
        int ip = 0, op = 0;
        while (ip < input.Length)
        {
            int ctrl = input[ip++];
            if (ctrl < 32)
            {
                int run = ctrl + 1;
                if (op + run > length || ip + run > input.Length) return null;
                input.Slice(ip, run).CopyTo(output.AsSpan(op));
                ip += run;
                op += run;
            }
            else
            {
                int len = ctrl >> 5;
                if (len == 7)
                {
                    if (ip >= input.Length) return null;
                    len += input[ip++];
                }
                if (ip >= input.Length) return null;
                int refPos = op - ((ctrl & 0x1f) << 8) - 1 - input[ip++];
                len += 2;
                if (refPos < 0 || op + len > length) return null;
                for (int i = 0; i < len; i++) output[op++] = output[refPos++];
            }
        }
        return op == length ? output : null;
    }
}
