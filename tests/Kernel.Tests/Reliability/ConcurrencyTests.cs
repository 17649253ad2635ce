using System.Diagnostics;
using TtLora.Core.Registry;
using Xunit.Abstractions;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>
/// Four `train` processes write into one registry at once — two under the same name, two under names of their
/// own — while a reader lists it without pause. No result may vanish unreported: of the two writers of one name,
/// one publishes and the other is refused with a message saying why; the reader never sees a broken entry, and an
/// entry it has seen never disappears.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class ConcurrencyTests(ReliabilityWorkspace ws, ITestOutputHelper output)
{
    [Fact]
    public async Task FourWritersAndAReaderLoseNothingUnreported()
    {
        string registry = Path.Combine(ws.Path, "concurrent-registry");
        FolderState.Copy(Path.Combine(ws.Registry, "good"), Path.Combine(registry, "good"));
        string[] names = ["dup", "dup", "solo-a", "solo-b"];
        var writers = names.Select(n => Task.Run(() => ChildProcess.Ttlora(ws.TrainArgs(n, registry, epochs: 3), ws.Environment))).ToArray();

        var reader = new ExpertRegistry(registry);
        var seen = new HashSet<string>();
        var problems = new List<string>();
        int reads = 0;
        var clock = Stopwatch.StartNew();
        while (!writers.All(w => w.IsCompleted))
        {
            var entries = reader.Survey();
            reads++;
            foreach (var broken in entries.Where(e => e.IsBroken)) problems.Add($"read {reads}: broken entry {broken.Name}: {broken.Problem}");
            foreach (var gone in seen.Except(entries.Select(e => e.Name))) problems.Add($"read {reads}: {gone} disappeared");
            seen.UnionWith(entries.Select(e => e.Name));
            if (problems.Count > 0) break;
            await Task.Delay(1); // leave the writers the CPU
        }
        var results = await Task.WhenAll(writers);
        for (int i = 0; i < names.Length; i++)
            output.WriteLine($"writer {i} ({names[i]}): exit {results[i].ExitCode} {results[i].Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
        output.WriteLine($"{reads} registry reads in {clock.Elapsed.TotalSeconds:0.0} s (shared machine)");

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.All(results[2..], r => Assert.True(r.ExitCode == 0, r.Error));
        var dup = results[..2];
        Assert.Equal(1, dup.Count(r => r.ExitCode == 0));
        var refused = dup.Single(r => r.ExitCode != 0);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("expert \"dup\"", refused.Error);
        Assert.Contains("is being written by another process", refused.Error);
        var final = reader.Survey();
        Assert.Equal(["dup", "good", "solo-a", "solo-b"], final.Select(e => e.Name).Order());
        Assert.All(final, e => Assert.False(e.IsBroken, e.Problem));
        Assert.Empty(Directory.GetDirectories(registry, ".staging-*"));
    }
}
