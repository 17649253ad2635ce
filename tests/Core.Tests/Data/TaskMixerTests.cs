using TtLora.Core.Data;

namespace TtLora.Core.Tests.Data;

public sealed class TaskMixerTests
{
    static (string, IReadOnlyList<LabelledExample>) Task(string name, int size) =>
        (name, Enumerable.Range(0, size).Select(i => new LabelledExample($"{name}-{i}", $"{name} text {i}", i % 2)).ToArray());

    static readonly (string, IReadOnlyList<LabelledExample>)[] Tasks = [Task("a", 50), Task("b", 20), Task("c", 35)];

    [Fact]
    public void BalancedMixTruncatesEveryTaskToTheSmallestWithoutRepeats()
    {
        var mix = TaskMixer.Mix(Tasks, new MixOptions { Seed = 7 });

        Assert.Equal(60, mix.Count);
        Assert.Equal([20, 20, 20], mix.GroupBy(m => m.TaskIndex).OrderBy(g => g.Key).Select(g => g.Count()));
        Assert.Equal(60, mix.Select(m => m.Example.Id).Distinct().Count());
        Assert.All(mix, m => Assert.StartsWith(m.TaskName + "-", m.Example.Id));
        Assert.All(mix, m => Assert.Equal(new[] { "a", "b", "c" }[m.TaskIndex], m.TaskName));
        // Shuffled: the first 20 are not all one task.
        Assert.True(mix.Take(20).Select(m => m.TaskIndex).Distinct().Count() > 1);
    }

    [Fact]
    public void TheSameSeedGivesTheSameMixAndAnotherSeedAnother()
    {
        var first = TaskMixer.Mix(Tasks, new MixOptions { Seed = 1 }).Select(m => m.Example.Id).ToArray();
        var again = TaskMixer.Mix(Tasks, new MixOptions { Seed = 1 }).Select(m => m.Example.Id).ToArray();
        var other = TaskMixer.Mix(Tasks, new MixOptions { Seed = 2 }).Select(m => m.Example.Id).ToArray();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void ShuffleIsPinnedAcrossMachines()
    {
        // SplitMix64-driven Fisher-Yates; a change here would silently change every mix, so the order is fixed.
        Assert.Equal([4, 3, 0, 2, 5, 1], SeededShuffle.Shuffle([0, 1, 2, 3, 4, 5], 42)); // checked against a Python SplitMix64
    }

    [Fact]
    public void ProportionalAndCappedMixes()
    {
        var proportional = TaskMixer.Mix(Tasks, new MixOptions { Strategy = MixStrategy.Proportional });
        Assert.Equal([50, 20, 35], proportional.GroupBy(m => m.TaskIndex).OrderBy(g => g.Key).Select(g => g.Count()));

        var capped = TaskMixer.Mix(Tasks, new MixOptions { Strategy = MixStrategy.Capped, CapPerTask = 30 });
        Assert.Equal([30, 20, 30], capped.GroupBy(m => m.TaskIndex).OrderBy(g => g.Key).Select(g => g.Count()));

        var error = Assert.Throws<TtLoraException>(() => TaskMixer.Mix(Tasks, new MixOptions { Strategy = MixStrategy.Capped }));
        Assert.Equal("mix strategy Capped needs a positive CapPerTask, got none", error.Message);
    }

    [Fact]
    public void BatchesCoverTheListInOrder()
    {
        int[] items = Enumerable.Range(0, 10).ToArray();
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]], TaskMixer.Batches(items, 4).Select(b => b.ToArray()));
        Assert.Equal([[0, 1, 2, 3], [4, 5, 6, 7]], TaskMixer.Batches(items, 4, dropLast: true).Select(b => b.ToArray()));
        Assert.Throws<TtLoraException>(() => TaskMixer.Batches(items, 0).ToList());
    }
}
