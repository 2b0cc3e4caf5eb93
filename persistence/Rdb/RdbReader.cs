using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace RedisLite.Persistence.Rdb;

/// <summary>
/// Reads an RDB file (versions 1 to 10, everything Redis 7.0 writes) and hands each key to an
/// <see cref="IRdbSink"/>. Every failure names the file and the byte offset; the checksum is
/// verified at the end (when the file has one), so a flipped byte is reported rather than loaded.
/// Modules, streams and functions are refused with the type and offset: RedisLite cannot hold them.
/// </summary>
public sealed class RdbReader : IDisposable
{
    private const int BufferSize = 1 << 20;

    private readonly Stream _stream;
    private readonly string _path;
    private readonly byte[] _buf = new byte[BufferSize];
    private int _pos, _len;
    private long _bufStart;       // file offset of _buf[0]
    private int _crcPos;          // bytes of _buf already folded into _crc
    private ulong _crc;
    private int _version;

    /// <summary>Keys dropped because their TTL had passed (INFO rdb_last_load_keys_expired).</summary>
    public long KeysExpired { get; private set; }
    public long KeysLoaded { get; private set; }
    /// <summary>Unix ms against which expiries are judged (null: keep expired keys).</summary>
    public long? NowMs { get; init; }
    /// <summary>Compare the trailing CRC64 with the file's (rdbchecksum yes); off, the 8 bytes are read and ignored, as Redis does.</summary>
    public bool VerifyChecksums { get; init; } = true;

    public RdbReader(Stream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    public static void LoadFile(string path, IRdbSink sink, long? nowMs, bool verifyChecksum, out long loaded, out long expired)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        using var r = new RdbReader(fs, path) { NowMs = nowMs, VerifyChecksums = verifyChecksum };
        r.Read(sink);
        loaded = r.KeysLoaded;
        expired = r.KeysExpired;
    }

    private long Offset => _bufStart + _pos;

    private RdbFormatException Error(string reason, long? at = null) => new(_path, at ?? Offset, reason);

    private void Fill(int need)
    {
        if (_len - _pos >= need) return;
        _crc = Crc64.Update(_crc, _buf.AsSpan(_crcPos, _pos - _crcPos));
        int keep = _len - _pos;
        Buffer.BlockCopy(_buf, _pos, _buf, 0, keep);
        _bufStart += _pos;
        _pos = 0;
        _crcPos = 0;
        _len = keep;
        while (_len < need)
        {
            int n = _stream.Read(_buf, _len, _buf.Length - _len);
            if (n == 0) throw Error("Short read: unexpected end of file", _bufStart + _len);
            _len += n;
        }
    }

    private byte ReadByte()
    {
        Fill(1);
        return _buf[_pos++];
    }

    private ReadOnlySpan<byte> ReadSpan(int n)
    {
        Fill(n);
        var s = _buf.AsSpan(_pos, n);
        _pos += n;
        return s;
    }

    private byte[] ReadBytes(long n)
    {
        if (n < 0 || n > int.MaxValue) throw Error($"Invalid length {n}");
        var r = new byte[n];
        int done = 0;
        while (done < n)
        {
            int chunk = (int)Math.Min(n - done, BufferSize / 2);
            ReadSpan(chunk).CopyTo(r.AsSpan(done));
            done += chunk;
        }
        return r;
    }

    /// <summary>rdbLoadLen: returns the length, or with isEncoded the special encoding number.</summary>
    private long ReadLength(out bool isEncoded)
    {
        isEncoded = false;
        byte b = ReadByte();
        int type = (b & 0xC0) >> 6;
        switch (type)
        {
            case 0: return b & 0x3F;
            case 1: return ((b & 0x3F) << 8) | ReadByte();
            case 3:
                isEncoded = true;
                return b & 0x3F;
        }
        if (b == 0x80) return BinaryPrimitives.ReadUInt32BigEndian(ReadSpan(4));
        if (b == 0x81)
        {
            ulong v = BinaryPrimitives.ReadUInt64BigEndian(ReadSpan(8));
            if (v > long.MaxValue) throw Error("Invalid 64-bit length");
            return (long)v;
        }
        throw Error($"Unknown length encoding {b} in rdbLoadLen()", Offset - 1);
    }

    private long ReadLength()
    {
        long start = Offset;
        long n = ReadLength(out bool enc);
        if (enc) throw Error("Unexpected encoded length", start);
        return n;
    }

    private byte[] ReadString()
    {
        long start = Offset;
        long n = ReadLength(out bool enc);
        if (!enc) return ReadBytes(n);
        switch (n)
        {
            case 0: return Ascii((sbyte)ReadByte());
            case 1: return Ascii(BinaryPrimitives.ReadInt16LittleEndian(ReadSpan(2)));
            case 2: return Ascii(BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4)));
            case 3:
            {
                long clen = ReadLength(), len = ReadLength();
                if (clen > int.MaxValue || len > int.MaxValue) throw Error("Invalid LZF lengths", start);
                var packed = ReadBytes(clen);
                return Lzf.Decompress(packed, (int)len) ?? throw Error("Invalid LZF compressed string", start);
            }
            default: throw Error($"Unknown RDB string encoding type {n}", start);
        }
    }

    private static byte[] Ascii(long v) => Encoding.ASCII.GetBytes(v.ToString(CultureInfo.InvariantCulture));

    private double ReadDoubleText()
    {
        byte len = ReadByte();
        switch (len)
        {
            case 253: return double.NaN;
            case 254: return double.PositiveInfinity;
            case 255: return double.NegativeInfinity;
        }
        var s = Encoding.ASCII.GetString(ReadSpan(len));
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d))
            throw Error($"Invalid double value '{s}'");
        return d;
    }

    public void Read(IRdbSink sink)
    {
        var magic = ReadSpan(9);
        if (!magic[..5].SequenceEqual("REDIS"u8)) throw Error("Wrong signature trying to load DB from file", 0);
        if (!int.TryParse(Encoding.ASCII.GetString(magic[5..]), out _version) || _version < 1 || _version > 10)
            throw Error($"Can't handle RDB format version {Encoding.ASCII.GetString(magic[5..])}", 5);
        int db = 0;
        long expireMs = -1;
        while (true)
        {
            long at = Offset;
            byte type = ReadByte();
            switch (type)
            {
                case 252: expireMs = BinaryPrimitives.ReadInt64LittleEndian(ReadSpan(8)); continue;
                case 253: expireMs = BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4)) * 1000L; continue;
                case 248: ReadLength(); continue;       // IDLE: LRU hint, not kept
                case 249: ReadByte(); continue;         // FREQ: LFU hint, not kept
                case 254:
                    long d = ReadLength();
                    if (d > int.MaxValue) throw Error($"Invalid DB index {d}", at);
                    db = (int)d;
                    continue;
                case 251: ReadLength(); ReadLength(); continue;
                case 250:
                {
                    var k = ReadString();
                    var v = ReadString();
                    sink.OnAux(Encoding.UTF8.GetString(k), v);
                    continue;
                }
                case 247: throw Error("Module auxiliary data (RDB_OPCODE_MODULE_AUX) is not supported: RedisLite has no modules", at);
                case 245 or 246: throw Error("Functions (RDB_OPCODE_FUNCTION) are not supported by RedisLite", at);
                case 255:
                    VerifyChecksum();
                    return;
            }
            var key = ReadString();
            bool expired = expireMs >= 0 && NowMs is { } now && expireMs < now;
            try
            {
                ReadValue(type, db, key, expireMs, expired ? null : sink, at);
            }
            catch (NotSupportedException e)
            {
                throw Error(e.Message, at);
            }
            if (expired) KeysExpired++;
            else KeysLoaded++;
            expireMs = -1;
        }
    }

    private void VerifyChecksum()
    {
        if (_version < 5) return;
        _crc = Crc64.Update(_crc, _buf.AsSpan(_crcPos, _pos - _crcPos));
        _crcPos = _pos;
        long at = Offset;
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8));
        if (VerifyChecksums && stored != 0 && stored != _crc)
            throw Error($"Wrong RDB checksum expected: ({stored:x16}) got: ({_crc:x16})", at);
    }

    /// <summary>Decodes one value; with a null sink the value is read and discarded (expired key).</summary>
    private void ReadValue(byte type, int db, byte[] key, long expireMs, IRdbSink? sink, long at)
    {
        switch (type)
        {
            case 0:
                var s = ReadString();
                sink?.OnString(db, key, s, expireMs);
                return;
            case 1 or 2:
            {
                long n = ReadLength();
                var items = new List<byte[]>((int)Math.Min(n, 1 << 20));
                for (long i = 0; i < n; i++) items.Add(ReadString());
                if (type == 1) sink?.OnList(db, key, items, expireMs);
                else sink?.OnSet(db, key, items, expireMs);
                return;
            }
            case 3 or 5:
            {
                long n = ReadLength();
                var items = new List<(byte[], double)>((int)Math.Min(n, 1 << 20));
                for (long i = 0; i < n; i++)
                {
                    var m = ReadString();
                    double score = type == 3 ? ReadDoubleText() : BinaryPrimitives.ReadDoubleLittleEndian(ReadSpan(8));
                    if (double.IsNaN(score)) throw Error("Zset with NAN score detected", at);
                    items.Add((m, score));
                }
                sink?.OnZSet(db, key, items, expireMs);
                return;
            }
            case 4:
            {
                long n = ReadLength();
                var pairs = new List<(byte[], byte[])>((int)Math.Min(n, 1 << 20));
                for (long i = 0; i < n; i++) pairs.Add((ReadString(), ReadString()));
                sink?.OnHash(db, key, pairs, expireMs);
                return;
            }
            case 9: // zipmap hash (Redis < 2.6)
                sink?.OnHash(db, key, Blobs.Zipmap(ReadString(), Fail(at)), expireMs);
                return;
            case 10: // ziplist list
                sink?.OnList(db, key, Blobs.Ziplist(ReadString(), Fail(at)), expireMs);
                return;
            case 11:
                sink?.OnSet(db, key, Blobs.Intset(ReadString(), Fail(at)), expireMs);
                return;
            case 12 or 17:
            {
                var flat = type == 12 ? Blobs.Ziplist(ReadString(), Fail(at)) : Blobs.Listpack(ReadString(), Fail(at));
                if (flat.Count % 2 != 0) throw Error("Sorted set ziplist/listpack with an odd number of entries", at);
                var items = new List<(byte[], double)>(flat.Count / 2);
                for (int i = 0; i < flat.Count; i += 2)
                {
                    if (!TryParseListpackScore(Encoding.ASCII.GetString(flat[i + 1]), out double sc))
                        throw Error("Invalid score in sorted set listpack", at);
                    items.Add((flat[i], sc));
                }
                sink?.OnZSet(db, key, items, expireMs);
                return;
            }
            case 13 or 16:
            {
                var flat = type == 13 ? Blobs.Ziplist(ReadString(), Fail(at)) : Blobs.Listpack(ReadString(), Fail(at));
                if (flat.Count % 2 != 0) throw Error("Hash ziplist/listpack with an odd number of entries", at);
                var pairs = new List<(byte[], byte[])>(flat.Count / 2);
                for (int i = 0; i < flat.Count; i += 2) pairs.Add((flat[i], flat[i + 1]));
                sink?.OnHash(db, key, pairs, expireMs);
                return;
            }
            case 14 or 18:
            {
                long nodes = ReadLength();
                var items = new List<byte[]>();
                for (long i = 0; i < nodes; i++)
                {
                    long container = type == 18 ? ReadLength() : 2;
                    var blob = ReadString();
                    if (type == 18 && container == 1) items.Add(blob);
                    else if (type == 18 && container == 2) items.AddRange(Blobs.Listpack(blob, Fail(at)));
                    else if (type == 14) items.AddRange(Blobs.Ziplist(blob, Fail(at)));
                    else throw Error($"Unknown quicklist container {container}", at);
                }
                sink?.OnList(db, key, items, expireMs);
                return;
            }
            case 20: // set listpack (Redis 7.2)
                sink?.OnSet(db, key, Blobs.Listpack(ReadString(), Fail(at)), expireMs);
                return;
            case 6 or 7: throw Error($"Module value (RDB type {type}) is not supported: RedisLite has no modules", at);
            case 15 or 19 or 21: throw Error($"Stream value (RDB type {type}) is not supported by RedisLite", at);
            default: throw Error($"Unknown RDB value type {type}", at);
        }
    }

    private Func<string, Exception> Fail(long at) => reason => Error(reason, at);

    public void Dispose() => _stream.Dispose();

    /// <summary>A listpack score as Redis writes it (d2string: integers, %.17g, "inf", "-inf"); NaN is refused.</summary>
    private static bool TryParseListpackScore(string s, out double score)
    {
        switch (s.ToLowerInvariant())
        {
            case "inf" or "+inf" or "infinity" or "+infinity": score = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": score = double.NegativeInfinity; return true;
        }
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out score) && !double.IsNaN(score);
    }

}
