namespace RedisLite.Server;

/// <summary>Version facts shown by INFO, HELLO and --version.</summary>
public static class ServerInfo
{
    /// <summary>The Redis version whose behaviour RedisLite follows (clients gate features on it).</summary>
    public const string RedisVersion = "7.0.15";
    public const string RedisLiteVersion = "0.1.0";
}
