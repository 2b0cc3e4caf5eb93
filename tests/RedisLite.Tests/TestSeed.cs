using System.Runtime.CompilerServices;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace RedisLite.Tests;

/// <summary>
/// Replayable randomness for the randomized tests (the model tests, the allocator soak, random
/// glob patterns): one environment variable, REDISLITE_TEST_SEED, fixes the seed of whichever
/// runs (otherwise each run draws a fresh one), and REDISLITE_TEST_STEPS lengthens the model
/// runs. The seed goes to the test output before the run and into the failure message, with the
/// command line that replays the failing run exactly.
/// </summary>
public static class TestSeed
{
    public const string SeedVariable = "REDISLITE_TEST_SEED";
    public const string StepsVariable = "REDISLITE_TEST_STEPS";

    /// <summary>How many steps a model run takes: REDISLITE_TEST_STEPS, else <paramref name="defaultSteps"/>.</summary>
    public static int Steps(int defaultSteps) =>
        int.TryParse(Environment.GetEnvironmentVariable(StepsVariable), out int n) ? n : defaultSteps;

    /// <summary>The seed of this run: REDISLITE_TEST_SEED, else a fresh one.</summary>
    public static int Current() =>
        int.TryParse(Environment.GetEnvironmentVariable(SeedVariable), out int s) ? s : Random.Shared.Next();

    /// <summary>
    /// Runs <paramref name="body"/> with this run's seed, having written the seed to the test
    /// output; a failure is rethrown with the seed and how to replay it.
    /// </summary>
    public static void Run(ITestOutputHelper output, Action<int> body, [CallerMemberName] string test = "") =>
        Run(output, Current(), body, test);

    /// <summary><see cref="Run(ITestOutputHelper, Action{int}, string)"/> with a given seed.</summary>
    public static void Run(ITestOutputHelper output, int seed, Action<int> body, [CallerMemberName] string test = "")
    {
        string replay = $"{SeedVariable}={seed} dotnet test --filter {test}";
        output.WriteLine($"seed {seed} (replay: {replay})");
        try
        {
            body(seed);
        }
        catch (Exception e)
        {
            throw new XunitException($"{test} failed with seed {seed} (replay: {replay}):\n{e.Message}\n{e.StackTrace}");
        }
    }
}
