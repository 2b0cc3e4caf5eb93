namespace RedisLite.Commands;

// PLACEHOLDER: handlers still to be written.
public static class InfoCommand
{
    public static void Info(CommandContext ctx) => ctx.Error("ERR not implemented yet");
}
