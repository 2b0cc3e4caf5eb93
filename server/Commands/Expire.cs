namespace RedisLite.Commands;

// PLACEHOLDER: handlers still to be written.
public static class Expire
{
    public static void ExpireAt(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ExpireCommand(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ExpireTime(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void PExpire(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void PExpireAt(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void PExpireTime(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void PTtl(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Persist(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Ttl(CommandContext ctx) => ctx.Error("ERR not implemented yet");
}
