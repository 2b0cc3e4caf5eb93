using static RedisLite.Commands.CommandFlags;

namespace RedisLite.Commands;

/// <summary>
/// THE command table: one row per command (and per subcommand of a container), with Redis 7.0's
/// name, arity, flags, key positions and documentation. Dispatch (<see cref="Lookup"/>), COMMAND
/// INFO/DOCS/COUNT/LIST and the README's command list are all derived from these rows; a test
/// fails if the README and the table disagree.
/// </summary>
public static class CommandTable
{
    private const CommandFlags W = Write, R = ReadOnly, D = DenyOom, F = Fast, L = Loading, S = Stale,
        A = Admin, NS = NoScript, NA = NoAuth, AB = AllowBusy;

    public static readonly CommandDef[] All =
    [
        // ---- strings (Commands/Strings.cs)
        Row("get", 2, R | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Get the value of a key", Strings.Get, "key"),
        Row("set", -3, W | D, 1, 1, 1, "string", "1.0.0", "O(1)", "Set the string value of a key", Strings.Set,
            "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]"),
        Row("setnx", 3, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Set the value of a key, only if the key does not exist", Strings.SetNx, "key value"),
        Row("setex", 4, W | D, 1, 1, 1, "string", "2.0.0", "O(1)", "Set the value and expiration of a key", Strings.SetEx, "key seconds value"),
        Row("psetex", 4, W | D, 1, 1, 1, "string", "2.6.0", "O(1)", "Set the value and expiration in milliseconds of a key", Strings.PSetEx, "key milliseconds value"),
        Row("mget", -2, R | F, 1, -1, 1, "string", "1.0.0", "O(N) where N is the number of keys to retrieve.", "Get the values of all the given keys", Strings.MGet, "key [key ...]"),
        Row("mset", -3, W | D, 1, -1, 2, "string", "1.0.1", "O(N) where N is the number of keys to set.", "Set multiple keys to multiple values", Strings.MSet, "key value [key value ...]"),
        Row("msetnx", -3, W | D, 1, -1, 2, "string", "1.0.1", "O(N) where N is the number of keys to set.", "Set multiple keys to multiple values, only if none of the keys exist", Strings.MSetNx, "key value [key value ...]"),
        Row("getset", 3, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Set the string value of a key and return its old value", Strings.GetSet, "key value"),
        Row("getdel", 2, W | F, 1, 1, 1, "string", "6.2.0", "O(1)", "Get the value of a key and delete the key", Strings.GetDel, "key"),
        Row("getex", -2, W | F, 1, 1, 1, "string", "6.2.0", "O(1)", "Get the value of a key and optionally set its expiration", Strings.GetEx,
            "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]"),
        Row("append", 3, W | D | F, 1, 1, 1, "string", "2.0.0", "O(1)", "Append a value to a key", Strings.Append, "key value"),
        Row("strlen", 2, R | F, 1, 1, 1, "string", "2.2.0", "O(1)", "Get the length of the value stored in a key", Strings.StrLen, "key"),
        Row("incr", 2, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Increment the integer value of a key by one", Strings.Incr, "key"),
        Row("decr", 2, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Decrement the integer value of a key by one", Strings.Decr, "key"),
        Row("incrby", 3, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Increment the integer value of a key by the given amount", Strings.IncrBy, "key increment"),
        Row("decrby", 3, W | D | F, 1, 1, 1, "string", "1.0.0", "O(1)", "Decrement the integer value of a key by the given number", Strings.DecrBy, "key decrement"),
        Row("incrbyfloat", 3, W | D | F, 1, 1, 1, "string", "2.6.0", "O(1)", "Increment the float value of a key by the given amount", Strings.IncrByFloat, "key increment"),
        Row("getrange", 4, R, 1, 1, 1, "string", "2.4.0", "O(N) where N is the length of the returned string.", "Get a substring of the string stored at a key", Strings.GetRange, "key start end"),
        Row("substr", 4, R, 1, 1, 1, "string", "1.0.0", "O(N) where N is the length of the returned string.", "Get a substring of the string stored at a key", Strings.GetRange, "key start end"),
        Row("setrange", 4, W | D, 1, 1, 1, "string", "2.2.0", "O(1), not counting the time taken to copy the new string in place.", "Overwrite part of a string at key starting at the specified offset", Strings.SetRange, "key offset value"),
        Row("lcs", -3, R, 1, 2, 1, "string", "7.0.0", "O(N*M) where N and M are the lengths of s1 and s2, respectively", "Find longest common substring", Strings.Lcs,
            "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]"),

        // ---- lists (Commands/Lists.cs)
        Row("lpush", -3, W | D | F, 1, 1, 1, "list", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Prepend one or multiple elements to a list", Lists.LPush, "key element [element ...]"),
        Row("rpush", -3, W | D | F, 1, 1, 1, "list", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Append one or multiple elements to a list", Lists.RPush, "key element [element ...]"),
        Row("lpushx", -3, W | D | F, 1, 1, 1, "list", "2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Prepend an element to a list, only if the list exists", Lists.LPushX, "key element [element ...]"),
        Row("rpushx", -3, W | D | F, 1, 1, 1, "list", "2.2.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Append an element to a list, only if the list exists", Lists.RPushX, "key element [element ...]"),
        Row("lpop", -2, W | F, 1, 1, 1, "list", "1.0.0", "O(N) where N is the number of elements returned", "Remove and get the first elements in a list", Lists.LPop, "key [count]"),
        Row("rpop", -2, W | F, 1, 1, 1, "list", "1.0.0", "O(N) where N is the number of elements returned", "Remove and get the last elements in a list", Lists.RPop, "key [count]"),
        Row("llen", 2, R | F, 1, 1, 1, "list", "1.0.0", "O(1)", "Get the length of a list", Lists.LLen, "key"),
        Row("lrange", 4, R, 1, 1, 1, "list", "1.0.0", "O(S+N) where S is the distance of start offset from HEAD for small lists, from nearest end (HEAD or TAIL) for large lists; and N is the number of elements in the specified range.", "Get a range of elements from a list", Lists.LRange, "key start stop"),
        Row("lindex", 3, R, 1, 1, 1, "list", "1.0.0", "O(N) where N is the number of elements to traverse to get to the element at index. This makes asking for the first or the last element of the list O(1).", "Get an element from a list by its index", Lists.LIndex, "key index"),
        Row("lset", 4, W | D, 1, 1, 1, "list", "1.0.0", "O(N) where N is the length of the list. Setting either the first or the last element of the list is O(1).", "Set the value of an element in a list by its index", Lists.LSet, "key index element"),
        Row("linsert", 5, W | D, 1, 1, 1, "list", "2.2.0", "O(N) where N is the number of elements to traverse before seeing the value pivot. This means that inserting somewhere on the left end on the list (head) can be considered O(1) and inserting somewhere on the right end (tail) is O(N).", "Insert an element before or after another element in a list", Lists.LInsert, "key BEFORE | AFTER pivot element"),
        Row("lrem", 4, W, 1, 1, 1, "list", "1.0.0", "O(N+M) where N is the length of the list and M is the number of elements removed.", "Remove elements from a list", Lists.LRem, "key count element"),
        Row("ltrim", 4, W, 1, 1, 1, "list", "1.0.0", "O(N) where N is the number of elements to be removed by the operation.", "Trim a list to the specified range", Lists.LTrim, "key start stop"),
        Row("lpos", -3, R, 1, 1, 1, "list", "6.0.6", "O(N) where N is the number of elements in the list, for the average case. When searching for elements near the head or the tail of the list, or when the MAXLEN option is provided, the command may run in constant time.", "Return the index of matching elements on a list", Lists.LPos, "key element [RANK rank] [COUNT num-matches] [MAXLEN len]"),
        Row("lmove", 5, W | D, 1, 2, 1, "list", "6.2.0", "O(1)", "Pop an element from a list, push it to another list and return it", Lists.LMove, "source destination LEFT | RIGHT LEFT | RIGHT"),
        Row("rpoplpush", 3, W | D, 1, 2, 1, "list", "1.2.0", "O(1)", "Remove the last element in a list, prepend it to another list and return it", Lists.RPopLPush, "source destination"),
        Row("lmpop", -4, W | MovableKeys, 0, 0, 0, "list", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Pop elements from a list", Lists.LMPop, "numkeys key [key ...] LEFT | RIGHT [COUNT count]"),
        Row("blpop", -3, W | NS | Blocking, 1, -2, 1, "list", "2.0.0", "O(N) where N is the number of provided keys.", "Remove and get the first element in a list, or block until one is available", Lists.BLPop, "key [key ...] timeout"),
        Row("brpop", -3, W | NS | Blocking, 1, -2, 1, "list", "2.0.0", "O(N) where N is the number of provided keys.", "Remove and get the last element in a list, or block until one is available", Lists.BRPop, "key [key ...] timeout"),
        Row("blmove", 6, W | D | NS | Blocking, 1, 2, 1, "list", "6.2.0", "O(1)", "Pop an element from a list, push it to another list and return it; or block until one is available", Lists.BLMove, "source destination LEFT | RIGHT LEFT | RIGHT timeout"),
        Row("brpoplpush", 4, W | D | NS | Blocking, 1, 2, 1, "list", "2.2.0", "O(1)", "Pop an element from a list, push it to another list and return it; or block until one is available", Lists.BRPopLPush, "source destination timeout"),
        Row("blmpop", -5, W | Blocking | MovableKeys, 0, 0, 0, "list", "7.0.0", "O(N+M) where N is the number of provided keys and M is the number of elements returned.", "Pop elements from a list, or block until one is available", Lists.BLMPop, "timeout numkeys key [key ...] LEFT | RIGHT [COUNT count]"),

        // ---- hashes (Commands/Hashes.cs)
        Row("hset", -4, W | D | F, 1, 1, 1, "hash", "2.0.0", "O(1) for each field/value pair added, so O(N) to add N field/value pairs when the command is called with multiple field/value pairs.", "Set the string value of a hash field", Hashes.HSet, "key field value [field value ...]"),
        Row("hsetnx", 4, W | D | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Set the value of a hash field, only if the field does not exist", Hashes.HSetNx, "key field value"),
        Row("hmset", -4, W | D | F, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the number of fields being set.", "Set multiple hash fields to multiple values", Hashes.HMSet, "key field value [field value ...]"),
        Row("hget", 3, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Get the value of a hash field", Hashes.HGet, "key field"),
        Row("hmget", -3, R | F, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the number of fields being requested.", "Get the values of all the given hash fields", Hashes.HMGet, "key field [field ...]"),
        Row("hgetall", 2, R, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the size of the hash.", "Get all the fields and values in a hash", Hashes.HGetAll, "key"),
        Row("hdel", -3, W | F, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the number of fields to be removed.", "Delete one or more hash fields", Hashes.HDel, "key field [field ...]"),
        Row("hlen", 2, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Get the number of fields in a hash", Hashes.HLen, "key"),
        Row("hexists", 3, R | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Determine if a hash field exists", Hashes.HExists, "key field"),
        Row("hkeys", 2, R, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the size of the hash.", "Get all the fields in a hash", Hashes.HKeys, "key"),
        Row("hvals", 2, R, 1, 1, 1, "hash", "2.0.0", "O(N) where N is the size of the hash.", "Get all the values in a hash", Hashes.HVals, "key"),
        Row("hincrby", 4, W | D | F, 1, 1, 1, "hash", "2.0.0", "O(1)", "Increment the integer value of a hash field by the given number", Hashes.HIncrBy, "key field increment"),
        Row("hincrbyfloat", 4, W | D | F, 1, 1, 1, "hash", "2.6.0", "O(1)", "Increment the float value of a hash field by the given amount", Hashes.HIncrByFloat, "key field increment"),
        Row("hstrlen", 3, R | F, 1, 1, 1, "hash", "3.2.0", "O(1)", "Get the length of the value of a hash field", Hashes.HStrLen, "key field"),
        Row("hrandfield", -2, R, 1, 1, 1, "hash", "6.2.0", "O(N) where N is the number of fields returned", "Get one or multiple random fields from a hash", Hashes.HRandField, "key [count [WITHVALUES]]"),
        Row("hscan", -3, R, 1, 1, 1, "hash", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate hash fields and associated values", Hashes.HScan, "key cursor [MATCH pattern] [COUNT count]"),

        // ---- sets (Commands/Sets.cs)
        Row("sadd", -3, W | D | F, 1, 1, 1, "set", "1.0.0", "O(1) for each element added, so O(N) to add N elements when the command is called with multiple arguments.", "Add one or more members to a set", Sets.SAdd, "key member [member ...]"),
        Row("srem", -3, W | F, 1, 1, 1, "set", "1.0.0", "O(N) where N is the number of members to be removed.", "Remove one or more members from a set", Sets.SRem, "key member [member ...]"),
        Row("smembers", 2, R, 1, 1, 1, "set", "1.0.0", "O(N) where N is the set cardinality.", "Get all the members in a set", Sets.SMembers, "key"),
        Row("sismember", 3, R | F, 1, 1, 1, "set", "1.0.0", "O(1)", "Determine if a given value is a member of a set", Sets.SIsMember, "key member"),
        Row("smismember", -3, R | F, 1, 1, 1, "set", "6.2.0", "O(N) where N is the number of elements being checked for membership", "Returns the membership associated with the given elements for a set", Sets.SMIsMember, "key member [member ...]"),
        Row("scard", 2, R | F, 1, 1, 1, "set", "1.0.0", "O(1)", "Get the number of members in a set", Sets.SCard, "key"),
        Row("spop", -2, W | F, 1, 1, 1, "set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the value of the passed count.", "Remove and return one or multiple random members from a set", Sets.SPop, "key [count]"),
        Row("srandmember", -2, R, 1, 1, 1, "set", "1.0.0", "Without the count argument O(1), otherwise O(N) where N is the absolute value of the passed count.", "Get one or multiple random members from a set", Sets.SRandMember, "key [count]"),
        Row("smove", 4, W | F, 1, 2, 1, "set", "1.0.0", "O(1)", "Move a member from one set to another", Sets.SMove, "source destination member"),
        Row("sinter", -2, R, 1, -1, 1, "set", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets", Sets.SInter, "key [key ...]"),
        Row("sintercard", -3, R | MovableKeys, 0, 0, 0, "set", "7.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets and return the cardinality of the result", Sets.SInterCard, "numkeys key [key ...] [LIMIT limit]"),
        Row("sunion", -2, R, 1, -1, 1, "set", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Add multiple sets", Sets.SUnion, "key [key ...]"),
        Row("sdiff", -2, R, 1, -1, 1, "set", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Subtract multiple sets", Sets.SDiff, "key [key ...]"),
        Row("sinterstore", -3, W | D, 1, -1, 1, "set", "1.0.0", "O(N*M) worst case where N is the cardinality of the smallest set and M is the number of sets.", "Intersect multiple sets and store the resulting set in a key", Sets.SInterStore, "destination key [key ...]"),
        Row("sunionstore", -3, W | D, 1, -1, 1, "set", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Add multiple sets and store the resulting set in a key", Sets.SUnionStore, "destination key [key ...]"),
        Row("sdiffstore", -3, W | D, 1, -1, 1, "set", "1.0.0", "O(N) where N is the total number of elements in all given sets.", "Subtract multiple sets and store the resulting set in a key", Sets.SDiffStore, "destination key [key ...]"),
        Row("sscan", -3, R, 1, 1, 1, "set", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate Set elements", Sets.SScan, "key cursor [MATCH pattern] [COUNT count]"),

        // ---- sort (Commands/Sort.cs)
        Row("sort", -2, W | D | MovableKeys, 1, 1, 1, "generic", "1.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set", Sort.SortCommand, "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA] [STORE destination]"),
        Row("sort_ro", -2, R | MovableKeys, 1, 1, 1, "generic", "7.0.0", "O(N+M*log(M)) where N is the number of elements in the list or set to sort, and M the number of returned elements. When the elements are not sorted, complexity is O(N).", "Sort the elements in a list, set or sorted set. Read-only variant of SORT.", Sort.SortRo, "key [BY pattern] [LIMIT offset count] [GET pattern [GET pattern ...]] [ASC | DESC] [ALPHA]"),

        // ---- keyspace (Commands/Keys.cs)
        Row("del", -2, W, 1, -1, 1, "generic", "1.0.0", "O(N) where N is the number of keys that will be removed.", "Delete a key", Keys.Del, "key [key ...]"),
        Row("unlink", -2, W | F, 1, -1, 1, "generic", "4.0.0", "O(1) for each key removed regardless of its size.", "Delete a key asynchronously in another thread. Otherwise it is just as DEL, but non blocking.", Keys.Del, "key [key ...]"),
        Row("exists", -2, R | F, 1, -1, 1, "generic", "1.0.0", "O(N) where N is the number of keys to check.", "Determine if a key exists", Keys.Exists, "key [key ...]"),
        Row("type", 2, R | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Determine the type stored at key", Keys.Type, "key"),
        Row("rename", 3, W, 1, 2, 1, "generic", "1.0.0", "O(1)", "Rename a key", Keys.Rename, "key newkey"),
        Row("renamenx", 3, W | F, 1, 2, 1, "generic", "1.0.0", "O(1)", "Rename a key, only if the new key does not exist", Keys.RenameNx, "key newkey"),
        Row("keys", 2, R, 0, 0, 0, "generic", "1.0.0", "O(N) with N being the number of keys in the database", "Find all keys matching the given pattern", Keys.KeysCommand, "pattern"),
        Row("scan", -2, R, 0, 0, 0, "generic", "2.8.0", "O(1) for every call. O(N) for a complete iteration.", "Incrementally iterate the keys space", Keys.Scan, "cursor [MATCH pattern] [COUNT count] [TYPE type]"),
        Row("randomkey", 1, R, 0, 0, 0, "generic", "1.0.0", "O(1)", "Return a random key from the keyspace", Keys.RandomKey, ""),
        Row("move", 3, W | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Move a key to another database", Keys.Move, "key db"),
        Row("copy", -3, W | D, 1, 2, 1, "generic", "6.2.0", "O(N) worst case for collections, where N is the number of nested items. O(1) for string values.", "Copy a key", Keys.Copy, "source destination [DB destination-db] [REPLACE]"),
        Row("touch", -2, R | F, 1, -1, 1, "generic", "3.2.1", "O(N) where N is the number of keys that will be touched.", "Alters the last access time of a key(s). Returns the number of existing keys specified.", Keys.Touch, "key [key ...]"),
        Container("object", "generic", "2.2.3", "A container for object introspection commands",
        [
            Row("object|encoding", 3, R, 2, 2, 1, "generic", "2.2.3", "O(1)", "Inspect the internal encoding of a Redis object", Keys.ObjectEncoding, "key"),
            Row("object|refcount", 3, R, 2, 2, 1, "generic", "2.2.3", "O(1)", "Get the number of references to the value of the key", Keys.ObjectRefcount, "key"),
            Row("object|idletime", 3, R, 2, 2, 1, "generic", "2.2.3", "O(1)", "Get the time since a Redis object was last accessed", Keys.ObjectIdletime, "key"),
            Row("object|freq", 3, R, 2, 2, 1, "generic", "4.0.0", "O(1)", "Get the logarithmic access frequency counter of a Redis object", Keys.ObjectFreq, "key"),
            Row("object|help", 2, L | S, 0, 0, 0, "generic", "6.2.0", "O(1)", "Show helpful text about the different subcommands", Keys.ObjectHelp, ""),
        ]),
        Row("expire", -3, W | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Set a key's time to live in seconds", Expire.ExpireCommand, "key seconds [NX | XX | GT | LT]"),
        Row("pexpire", -3, W | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Set a key's time to live in milliseconds", Expire.PExpire, "key milliseconds [NX | XX | GT | LT]"),
        Row("expireat", -3, W | F, 1, 1, 1, "generic", "1.2.0", "O(1)", "Set the expiration for a key as a UNIX timestamp", Expire.ExpireAt, "key unix-time-seconds [NX | XX | GT | LT]"),
        Row("pexpireat", -3, W | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Set the expiration for a key as a UNIX timestamp specified in milliseconds", Expire.PExpireAt, "key unix-time-milliseconds [NX | XX | GT | LT]"),
        Row("ttl", 2, R | F, 1, 1, 1, "generic", "1.0.0", "O(1)", "Get the time to live for a key in seconds", Expire.Ttl, "key"),
        Row("pttl", 2, R | F, 1, 1, 1, "generic", "2.6.0", "O(1)", "Get the time to live for a key in milliseconds", Expire.PTtl, "key"),
        Row("expiretime", 2, R | F, 1, 1, 1, "generic", "7.0.0", "O(1)", "Get the expiration Unix timestamp for a key", Expire.ExpireTime, "key"),
        Row("pexpiretime", 2, R | F, 1, 1, 1, "generic", "7.0.0", "O(1)", "Get the expiration Unix timestamp for a key in milliseconds", Expire.PExpireTime, "key"),
        Row("persist", 2, W | F, 1, 1, 1, "generic", "2.2.0", "O(1)", "Remove the expiration from a key", Expire.Persist, "key"),

        // ---- sorted sets (Commands/SortedSets.cs and Commands/ZSet*.cs)
        Row("zadd", -4, W | D | F, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)) for each item added, where N is the number of elements in the sorted set.", "Add one or more members to a sorted set, or update its score if it already exists", SortedSets.ZAdd,
            "key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]"),
        Row("zincrby", 4, W | D | F, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)) where N is the number of elements in the sorted set.", "Increment the score of a member in a sorted set", SortedSets.ZIncrBy, "key increment member"),
        Row("zrem", -3, W | F, 1, 1, 1, "sorted-set", "1.2.0", "O(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.", "Remove one or more members from a sorted set", SortedSets.ZRem, "key member [member ...]"),
        Row("zcard", 2, R | F, 1, 1, 1, "sorted-set", "1.2.0", "O(1)", "Get the number of members in a sorted set", SortedSets.ZCard, "key"),
        Row("zscore", 3, R | F, 1, 1, 1, "sorted-set", "1.2.0", "O(1)", "Get the score associated with the given member in a sorted set", SortedSets.ZScore, "key member"),
        Row("zmscore", -3, R | F, 1, 1, 1, "sorted-set", "6.2.0", "O(N) where N is the number of members being requested.", "Get the score associated with the given members in a sorted set", SortedSets.ZMScore, "key member [member ...]"),
        Row("zrank", 3, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(log(N))", "Determine the index of a member in a sorted set", SortedSets.ZRank, "key member"),
        Row("zrevrank", 3, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(log(N))", "Determine the index of a member in a sorted set, with scores ordered from high to low", SortedSets.ZRevRank, "key member"),
        Row("zcount", 4, R | F, 1, 1, 1, "sorted-set", "2.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Count the members in a sorted set with scores within the given values", SortedSets.ZCount, "key min max"),
        Row("zlexcount", 4, R | F, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)) with N being the number of elements in the sorted set.", "Count the number of members in a sorted set between a given lexicographical range", SortedSets.ZLexCount, "key min max"),
        Row("zrange", -4, R, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set", ZSetRanges.ZRange,
            "key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]"),
        Row("zrangestore", -5, W | D, 1, 2, 1, "sorted-set", "6.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.", "Store a range of members from sorted set into another key", ZSetRanges.ZRangeStore,
            "dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]"),
        Row("zrangebyscore", -4, R, 1, 1, 1, "sorted-set", "1.0.5", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by score", ZSetRanges.ZRangeByScore,
            "key min max [WITHSCORES] [LIMIT offset count]"),
        Row("zrevrangebyscore", -4, R, 1, 1, 1, "sorted-set", "2.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by score, with scores ordered from high to low", ZSetRanges.ZRevRangeByScore,
            "key max min [WITHSCORES] [LIMIT offset count]"),
        Row("zrangebylex", -4, R, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by lexicographical range", ZSetRanges.ZRangeByLex,
            "key min max [LIMIT offset count]"),
        Row("zrevrangebylex", -4, R, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).", "Return a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.", ZSetRanges.ZRevRangeByLex,
            "key max min [LIMIT offset count]"),
        Row("zrevrange", -4, R, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.", "Return a range of members in a sorted set, by index, with scores ordered from high to low", ZSetRanges.ZRevRange,
            "key start stop [WITHSCORES]"),
        Row("zremrangebyrank", 4, W, 1, 1, 1, "sorted-set", "2.0.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set within the given indexes", ZSetRanges.ZRemRangeByRank, "key start stop"),
        Row("zremrangebyscore", 4, W, 1, 1, 1, "sorted-set", "1.2.0", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set within the given scores", ZSetRanges.ZRemRangeByScore, "key min max"),
        Row("zremrangebylex", 4, W, 1, 1, 1, "sorted-set", "2.8.9", "O(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.", "Remove all members in a sorted set between the given lexicographical range", ZSetRanges.ZRemRangeByLex, "key min max"),
        Row("zpopmin", -2, W | F, 1, 1, 1, "sorted-set", "5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with the lowest scores in a sorted set", ZSetPops.ZPopMin, "key [count]"),
        Row("zpopmax", -2, W | F, 1, 1, 1, "sorted-set", "5.0.0", "O(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with the highest scores in a sorted set", ZSetPops.ZPopMax, "key [count]"),
        Row("zmpop", -4, W | MovableKeys, 0, 0, 0, "sorted-set", "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set", ZSetPops.ZMPop,
            "numkeys key [key ...] MIN | MAX [COUNT count]"),
        Row("zrandmember", -2, R, 1, 1, 1, "sorted-set", "6.2.0", "O(N) where N is the number of elements returned", "Get one or multiple random elements from a sorted set", SortedSets.ZRandMember, "key [count [WITHSCORES]]"),
        Row("zunion", -3, R | MovableKeys, 0, 0, 0, "sorted-set", "6.2.0", "O(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets", ZSetAlgebra.ZUnion,
            "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]"),
        Row("zinter", -3, R | MovableKeys, 0, 0, 0, "sorted-set", "6.2.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", "Intersect multiple sorted sets", ZSetAlgebra.ZInter,
            "numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX] [WITHSCORES]"),
        Row("zdiff", -3, R | MovableKeys, 0, 0, 0, "sorted-set", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", "Subtract multiple sorted sets", ZSetAlgebra.ZDiff,
            "numkeys key [key ...] [WITHSCORES]"),
        Row("zunionstore", -4, W | D | MovableKeys, 1, 1, 1, "sorted-set", "2.0.0", "O(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.", "Add multiple sorted sets and store the resulting sorted set in a new key", ZSetAlgebra.ZUnionStore,
            "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]"),
        Row("zinterstore", -4, W | D | MovableKeys, 1, 1, 1, "sorted-set", "2.0.0", "O(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.", "Intersect multiple sorted sets and store the resulting sorted set in a new key", ZSetAlgebra.ZInterStore,
            "destination numkeys key [key ...] [WEIGHTS weight [weight ...]] [AGGREGATE SUM | MIN | MAX]"),
        Row("zdiffstore", -4, W | D | MovableKeys, 1, 1, 1, "sorted-set", "6.2.0", "O(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.", "Subtract multiple sorted sets and store the resulting sorted set in a new key", ZSetAlgebra.ZDiffStore,
            "destination numkeys key [key ...]"),
        Row("zintercard", -3, R | MovableKeys, 0, 0, 0, "sorted-set", "7.0.0", "O(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.", "Intersect multiple sorted sets and return the cardinality of the result", ZSetAlgebra.ZInterCard,
            "numkeys key [key ...] [LIMIT limit]"),
        Row("bzpopmin", -3, W | NS | Blocking | F, 1, -2, 1, "sorted-set", "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the lowest score from one or more sorted sets, or block until one is available", ZSetPops.BZPopMin, "key [key ...] timeout"),
        Row("bzpopmax", -3, W | NS | Blocking | F, 1, -2, 1, "sorted-set", "5.0.0", "O(log(N)) with N being the number of elements in the sorted set.", "Remove and return the member with the highest score from one or more sorted sets, or block until one is available", ZSetPops.BZPopMax, "key [key ...] timeout"),
        Row("bzmpop", -5, W | Blocking | MovableKeys, 0, 0, 0, "sorted-set", "7.0.0", "O(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.", "Remove and return members with scores in a sorted set or block until one is available", ZSetPops.BZMPop,
            "timeout numkeys key [key ...] MIN | MAX [COUNT count]"),
        Row("zscan", -3, R, 1, 1, 1, "sorted-set", "2.8.0", "O(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..", "Incrementally iterate sorted sets elements and associated scores", ZSetScan.ZScan,
            "key cursor [MATCH pattern] [COUNT count]"),

        // ---- databases (Commands/Databases.cs)
        Row("select", 2, L | S | F, 0, 0, 0, "connection", "1.0.0", "O(1)", "Change the selected database for the current connection", Databases.Select, "index"),
        Row("dbsize", 1, R | F, 0, 0, 0, "server", "1.0.0", "O(1)", "Return the number of keys in the selected database", Databases.DbSize, ""),
        Row("flushdb", -1, W, 0, 0, 0, "server", "1.0.0", "O(N) where N is the number of keys in the selected database", "Remove all keys from the current database", Databases.FlushDb, "[ASYNC | SYNC]"),
        Row("flushall", -1, W, 0, 0, 0, "server", "1.0.0", "O(N) where N is the total number of keys in all databases", "Remove all keys from all databases", Databases.FlushAll, "[ASYNC | SYNC]"),
        Row("swapdb", 3, W | F, 0, 0, 0, "server", "4.0.0", "O(N) where N is the count of clients watching or blocking on keys from both databases.", "Swaps two Redis databases", Databases.SwapDb, "index1 index2"),

        // ---- connection (Commands/Connection.cs)
        Row("ping", -1, F, 0, 0, 0, "connection", "1.0.0", "O(1)", "Ping the server", Connection.Ping, "[message]"),
        Row("echo", 2, L | S | F, 0, 0, 0, "connection", "1.0.0", "O(1)", "Echo the given string", Connection.Echo, "message"),
        Row("quit", -1, NS | L | S | F | NA | AB, 0, 0, 0, "connection", "1.0.0", "O(1)", "Close the connection", Connection.Quit, ""),
        Row("reset", 1, NS | L | S | F | NA | AB, 0, 0, 0, "connection", "6.2.0", "O(1)", "Reset the connection", Connection.Reset, ""),
        Row("hello", -1, NS | L | S | F | NA | AB, 0, 0, 0, "connection", "6.0.0", "O(1)", "Handshake with Redis", Connection.Hello, "[protover [AUTH username password] [SETNAME clientname]]"),
        Row("auth", -2, NS | L | S | F | NA | AB, 0, 0, 0, "connection", "1.0.0", "O(N) where N is the number of passwords defined for the user", "Authenticate to the server", Connection.Auth, "[username] password"),
        Container("client", "connection", "2.4.0", "A container for client connection commands",
        [
            Row("client|id", 2, NS | L | S, 0, 0, 0, "connection", "5.0.0", "O(1)", "Returns the client ID for the current connection", Connection.ClientId, ""),
            Row("client|setname", 3, NS | L | S, 0, 0, 0, "connection", "2.6.9", "O(1)", "Set the current connection name", Connection.ClientSetName, "connection-name"),
            Row("client|getname", 2, NS | L | S, 0, 0, 0, "connection", "2.6.9", "O(1)", "Get the current connection name", Connection.ClientGetName, ""),
            Row("client|list", -2, A | NS | L | S, 0, 0, 0, "connection", "2.4.0", "O(N) where N is the number of client connections", "Get the list of client connections", Connection.ClientList, "[TYPE NORMAL | MASTER | REPLICA | PUBSUB] [ID client-id [client-id ...]]"),
            Row("client|info", 2, NS | L | S, 0, 0, 0, "connection", "6.2.0", "O(1)", "Returns information about the current client connection.", Connection.ClientInfo, ""),
            Row("client|kill", -3, A | NS | L | S, 0, 0, 0, "connection", "2.4.0", "O(N) where N is the number of client connections", "Kill the connection of a client", Connection.ClientKill,
                "ip:port | [ID client-id] [TYPE NORMAL | MASTER | SLAVE | REPLICA | PUBSUB] [USER username] [ADDR ip:port] [LADDR ip:port] [SKIPME yes | no]"),
            Row("client|unblock", -3, A | NS | L | S, 0, 0, 0, "connection", "5.0.0", "O(log N) where N is the number of client connections", "Unblock a client blocked in a blocking command from a different connection", Connection.ClientUnblock, "client-id [TIMEOUT | ERROR]"),
            Row("client|help", 2, L | S, 0, 0, 0, "connection", "5.0.0", "O(1)", "Show helpful text about the different subcommands", Connection.ClientHelp, ""),
        ]),

        // ---- server (Commands/ServerCommands.cs, Commands/ConfigCommands.cs, Commands/CommandCommands.cs)
        Row("info", -1, L | S, 0, 0, 0, "server", "1.0.0", "O(1)", "Get information and statistics about the server", InfoCommand.Info, "[section [section ...]]"),
        Container("config", "server", "2.0.0", "A container for server configuration commands",
        [
            Row("config|get", -3, A | NS | L | S, 0, 0, 0, "server", "2.0.0", "O(N) when N is the number of configuration parameters provided", "Get the values of configuration parameters", ConfigCommands.Get, "parameter [parameter ...]"),
            Row("config|set", -4, A | NS | L | S, 0, 0, 0, "server", "2.0.0", "O(N) when N is the number of configuration parameters provided", "Set configuration parameters to the given values", ConfigCommands.Set, "parameter value [parameter value ...]"),
            Row("config|resetstat", 2, A | NS | L | S, 0, 0, 0, "server", "2.0.0", "O(1)", "Reset the stats returned by INFO", ConfigCommands.ResetStat, ""),
            Row("config|help", 2, L | S, 0, 0, 0, "server", "5.0.0", "O(1)", "Show helpful text about the different subcommands", ConfigCommands.Help, ""),
        ]),
        Container("command", "server", "2.8.13", "Get array of Redis command details",
        [
            Row("command|count", 2, L | S, 0, 0, 0, "server", "2.8.13", "O(1)", "Get total number of Redis commands", CommandCommands.Count, ""),
            Row("command|info", -2, L | S, 0, 0, 0, "server", "2.8.13", "O(N) where N is the number of commands to look up", "Get array of specific Redis command details, or all when no argument is given.", CommandCommands.Info, "[command-name [command-name ...]]"),
            Row("command|docs", -2, L | S, 0, 0, 0, "server", "7.0.0", "O(N) where N is the number of commands to look up", "Get array of specific Redis command documentation", CommandCommands.Docs, "[command-name [command-name ...]]"),
            Row("command|list", -2, L | S, 0, 0, 0, "server", "7.0.0", "O(N) where N is the total number of Redis commands", "Get an array of Redis command names", CommandCommands.List, "[FILTERBY MODULE module-name | ACLCAT category | PATTERN pattern]"),
            Row("command|help", 2, L | S, 0, 0, 0, "server", "5.0.0", "O(1)", "Show helpful text about the different subcommands", CommandCommands.Help, ""),
        ], handler: CommandCommands.All, arity: -1, flags: L | S),
        Row("save", 1, A | NS | NoAsyncLoading | NoMulti, 0, 0, 0, "server", "1.0.0", "O(N) where N is the total number of keys in all databases", "Synchronously save the dataset to disk", Snapshots.Save, ""),
        Row("bgsave", -1, A | NS | NoAsyncLoading, 0, 0, 0, "server", "1.0.0", "O(1)", "Asynchronously save the dataset to disk", Snapshots.BgSave, "[SCHEDULE]"),
        Row("time", 1, L | S | F, 0, 0, 0, "server", "2.6.0", "O(1)", "Return the current server time", ServerCommands.Time, ""),
        Row("lastsave", 1, L | S | F, 0, 0, 0, "server", "1.0.0", "O(1)", "Get the UNIX time stamp of the last successful save to disk", ServerCommands.LastSave, ""),
        Row("shutdown", -1, A | NS | L | S | NoMulti | AB, 0, 0, 0, "server", "1.0.0", "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)", "Synchronously save the dataset to disk and then shut down the server", ServerCommands.Shutdown, "[NOSAVE | SAVE] [NOW] [FORCE] [ABORT]"),
        Row("debug", -2, A | NS | L | S, 0, 0, 0, "server", "1.0.0", "Depends on subcommand.", "A container for debugging commands", DebugCommand.Debug, "subcommand [argument ...]"),
        Row("monitor", 1, A | NS | L | S, 0, 0, 0, "server", "1.0.0", "", "Listen for all requests received by the server in real time", ServerCommands.Monitor, ""),
    ];

    private static CommandDef Row(string name, int arity, CommandFlags flags, int first, int last, int step, string group,
        string since, string complexity, string summary, CommandHandler handler, string syntax) => new()
    {
        Name = name, Arity = arity, Flags = flags, FirstKey = first, LastKey = last, KeyStep = step, Group = group,
        Since = since, Complexity = complexity, Summary = summary, Handler = handler, Syntax = syntax,
    };

    private static CommandDef Container(string name, string group, string since, string summary, CommandDef[] subs,
        CommandHandler? handler = null, int arity = -2, CommandFlags flags = None) => new()
    {
        Name = name, Arity = arity, Flags = flags, Group = group, Since = since, Complexity = "Depends on subcommand.",
        Summary = summary, Handler = handler, Subcommands = subs,
    };

    /// <summary>How many rows the table has, subcommands included; each row's <see cref="CommandDef.Id"/> is below it.</summary>
    public static readonly int RowCount = NumberRows();

    private static int NumberRows()
    {
        int next = 0;
        foreach (var c in All)
        {
            c.Id = next++;
            foreach (var s in c.Subcommands) s.Id = next++;
        }
        return next;
    }

    private static readonly Dictionary<string, CommandDef> ByName = All.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, CommandDef>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan = ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The top-level row for a command name (any case), or null.</summary>
    public static CommandDef? Lookup(ReadOnlySpan<byte> name)
    {
        if (name.Length == 0 || name.Length > 64) return null;
        Span<char> chars = stackalloc char[name.Length];
        for (int i = 0; i < name.Length; i++) chars[i] = (char)name[i];
        return ByNameSpan.TryGetValue(chars, out var c) ? c : null;
    }

    public static CommandDef? Lookup(string name) => ByName.GetValueOrDefault(name);

    /// <summary>A subcommand row of a container, by the word the client typed.</summary>
    public static CommandDef? LookupSub(CommandDef container, ReadOnlySpan<byte> word)
    {
        foreach (var s in container.Subcommands)
        {
            string w = s.Word;
            if (w.Length != word.Length) continue;
            bool eq = true;
            for (int i = 0; i < w.Length && eq; i++) eq = char.ToLowerInvariant((char)word[i]) == w[i];
            if (eq) return s;
        }
        return null;
    }
}
