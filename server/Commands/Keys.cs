namespace RedisLite.Commands;

// PLACEHOLDER: handlers still to be written.
public static class Keys
{
    public static void Copy(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Del(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Exists(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void KeysCommand(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Move(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ObjectEncoding(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ObjectFreq(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ObjectHelp(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ObjectIdletime(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void ObjectRefcount(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void RandomKey(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Rename(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void RenameNx(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Scan(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Touch(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Type(CommandContext ctx) => ctx.Error("ERR not implemented yet");
}
