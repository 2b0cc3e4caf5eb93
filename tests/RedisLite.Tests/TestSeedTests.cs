using Xunit.Abstractions;
using Xunit.Sdk;

namespace RedisLite.Tests;

/// <summary>A failing randomized run must say which seed it ran with and how to replay it (<see cref="TestSeed"/>).</summary>
public class TestSeedTests
{
    private sealed class Lines : ITestOutputHelper
    {
        public readonly List<string> All = [];
        public void WriteLine(string message) => All.Add(message);
        public void WriteLine(string format, params object[] args) => All.Add(string.Format(format, args));
    }

    [Fact]
    public void AFailingRunNamesItsSeedAndHowToReplayIt()
    {
        var output = new Lines();
        var e = Assert.Throws<XunitException>(() =>
            TestSeed.Run(output, 1234, seed => throw new InvalidOperationException($"step 7 went wrong under {seed}"), "SomeModelTest"));
        Assert.StartsWith("SomeModelTest failed with seed 1234 (replay: REDISLITE_TEST_SEED=1234 dotnet test --filter SomeModelTest)", e.Message);
        Assert.Contains("step 7 went wrong under 1234", e.Message);
        Assert.Equal("seed 1234 (replay: REDISLITE_TEST_SEED=1234 dotnet test --filter SomeModelTest)", Assert.Single(output.All));
    }

    [Fact]
    public void APassingRunStillRecordsItsSeed()
    {
        var output = new Lines();
        int seen = -1;
        TestSeed.Run(output, 99, seed => seen = seed, "SomeModelTest");
        Assert.Equal(99, seen);
        Assert.Contains("seed 99", Assert.Single(output.All));
    }
}
