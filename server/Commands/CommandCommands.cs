namespace RedisLite.Commands;

// PLACEHOLDER: handlers still to be written.
public static class CommandCommands
{
    public static void All(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Count(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Docs(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Help(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void Info(CommandContext ctx) => ctx.Error("ERR not implemented yet");
    public static void List(CommandContext ctx) => ctx.Error("ERR not implemented yet");
}
