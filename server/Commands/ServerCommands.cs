namespace RedisLite.Commands;

// PLACEHOLDER: handlers still to be written.
public static class ServerCommands
{
    public static void Debug(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void LastSave(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Monitor(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Shutdown(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Time(CommandContext ctx) => ctx.Error("ERR not implemented yet");
}
