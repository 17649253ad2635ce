using System.Diagnostics;
using TtLora.Core;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Registry;
using TtLora.Core.Routing;
using Xunit.Abstractions;

namespace TtLora.Kernel.Tests.Reliability;

/// <summary>
/// SIGKILL at random moments of the verbs that write folders, each over an existing older result: afterwards the
/// folder is exactly the old one or a complete new one (never a mix, never missing), the registry lists only whole
/// entries, and the next writer of the name leaves no staging behind. Half the kills fall at a random moment of the
/// verb's measured run time; the other half a random 0-300 ms after its staging folder appears, inside the short
/// window where the files are written and swapped in. Seeds are fixed per verb.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public class KillTests(ReliabilityWorkspace ws, ITestOutputHelper output)
{
    const int Kills = 20;

    /// <summary>One kill: the arguments and the folder the run writes, prepared with the old result in place.</summary>
    sealed record Round(string[] Args, string Target);

    enum Outcome { Old, New, Finished }

    void KillAtRandomMoments(string verb, Func<int, Round> prepare, Func<string, bool> isCompleteNew, Action<string> nextWriter)
    {
        // A full run first: its time sets the kill moments, and its result must count as new.
        var reference = prepare(-1);
        var clock = Stopwatch.StartNew();
        var full = ChildProcess.Ttlora(reference.Args, ws.Environment);
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.True(full.ExitCode == 0, $"{verb}: the full run failed: {full.Error}");
        Assert.True(isCompleteNew(reference.Target), $"{verb}: the full run's folder is not recognised as complete");

        var random = new Random(verb.Length * 7919 + Kills);
        // Even rounds: a moment of the whole run. Odd rounds: milliseconds after the staging folder appears.
        var delays = Enumerable.Range(0, Kills).Select(i => i % 2 == 0 ? seconds * (0.05 + 0.95 * random.NextDouble()) : 0.300 * random.NextDouble()).ToArray();
        var outcomes = new Outcome[Kills];
        var problems = new List<string>();
        Parallel.For(0, Kills, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            var round = prepare(i);
            var old = FolderState.Of(round.Target);
            bool killed = RunAndKill(round.Args, TimeSpan.FromSeconds(delays[i]), i % 2 == 1 ? round.Target : null);
            var after = FolderState.Of(round.Target);
            string? problem = null;
            if (after.SameAs(old)) outcomes[i] = Outcome.Old;
            else if (isCompleteNew(round.Target)) outcomes[i] = killed ? Outcome.New : Outcome.Finished;
            else problem = $"kill {i} at {delays[i]:0.00} s: {round.Target} is neither the old folder nor a complete new one: {string.Join(", ", after.Files.Keys)}";
            try
            {
                nextWriter(round.Target);
            }
            catch (TtLoraException e)
            {
                problem ??= $"kill {i}: the next writer was refused: {e.Message}";
            }
            var left = FolderState.Leftovers(Path.GetDirectoryName(round.Target)!, Path.GetFileName(round.Target));
            if (left.Length > 0) problem ??= $"kill {i}: staging left after the next writer: {string.Join(", ", left)}";
            if (problem is not null) lock (problems) problems.Add(problem);
        });
        output.WriteLine($"{verb}: full run {seconds:0.0} s (shared machine); {Kills} kills: " +
            $"{outcomes.Count(o => o == Outcome.Old)} left the old folder, {outcomes.Count(o => o == Outcome.New)} the new one, " +
            $"{outcomes.Count(o => o == Outcome.Finished)} finished before the kill");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    /// <summary>
    /// Starts ttlora and SIGKILLs it <paramref name="delay"/> after it starts or, with <paramref name="stagingOf"/>,
    /// after a staging folder for that target appears; false when it had finished by then.
    /// </summary>
    static bool RunAndKill(string[] args, TimeSpan delay, string? stagingOf)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(TestPaths.TtloraDll);
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stagingOf is not null)
        {
            string root = Path.GetDirectoryName(stagingOf)!, pattern = $".staging-{Path.GetFileName(stagingOf)}-*";
            while (!process.HasExited && !(Directory.Exists(root) && Directory.EnumerateDirectories(root, pattern).Any())) Thread.Sleep(1);
        }
        if (process.WaitForExit(delay)) return false;
        process.Kill(); // SIGKILL: no handler, no cleanup
        process.WaitForExit();
        return true;
    }

    string RoundFolder(string verb, int i) => Directory.CreateDirectory(Path.Combine(ws.Path, "kills", verb, $"{i + 1:00}")).FullName;

    [Fact]
    public void TrainLeavesTheOldExpertOrTheNewOne() => KillAtRandomMoments("train", i =>
    {
        string registry = RoundFolder("train", i);
        if (i >= 0) FolderState.Copy(Path.Combine(ws.Registry, "good"), Path.Combine(registry, "x"));
        return new Round(ws.TrainArgs("x", registry, epochs: 2), Path.Combine(registry, "x"));
    }, target =>
    {
        var registry = new ExpertRegistry(Path.GetDirectoryName(target)!);
        return registry.Survey().All(e => !e.IsBroken) && registry.Get("x").Name == "x";
    }, target =>
    {
        using var claim = new ExpertRegistry(Path.GetDirectoryName(target)!).Claim("x");
    });

    [Fact]
    public void ModelCreateOverAFolderLeavesTheOldModelOrTheNewOne() => KillAtRandomMoments("model-create", i =>
    {
        string dir = RoundFolder("model-create", i);
        if (i >= 0) FolderState.Copy(ws.BaseModel, Path.Combine(dir, "m"));
        return new Round(["model", "create", "--out", Path.Combine(dir, "m"), "--preset", "tiny", "--seed", "7"], Path.Combine(dir, "m"));
    }, target =>
    {
        // The old folder had a tokenizer.json; the new model has none, so a stale one would show here.
        var files = Directory.GetFiles(target).Select(Path.GetFileName).Order().ToArray();
        return files.SequenceEqual(["config.json", "model.safetensors"]) && CheckpointSummary.Read(target).ParameterCount > 0;
    }, target =>
    {
        using var claim = FolderClaim.Acquire(target, "model folder");
    });

    [Fact]
    public void PretrainLeavesTheOldModelOrTheNewOne()
    {
        string corpus = Path.Combine(ws.Path, "corpus.txt");
        var words = string.Join(' ', ReliabilityWorkspace.Texts).Split(' ');
        var random = new Random(3);
        File.WriteAllText(corpus, string.Join("\n\n", Enumerable.Range(0, 40).Select(_ => string.Join(' ', Enumerable.Range(0, 50).Select(_ => words[random.Next(words.Length)])))));
        string[] Args(string output) => ["pretrain", "--text-file", corpus, "--out", output, "--force", "--preset", "tiny", "--steps", "4",
            "--vocab-size", "300", "--seq-len", "16", "--batch-size", "2", "--tokenizer-chars", "20000"];
        string old = Path.Combine(ws.Path, "kills", "pretrain-old");
        if (!Directory.Exists(old)) Assert.Equal(0, ChildProcess.Ttlora(Args(old), ws.Environment).ExitCode);
        KillAtRandomMoments("pretrain", i =>
        {
            string dir = RoundFolder("pretrain", i);
            if (i >= 0) FolderState.Copy(old, Path.Combine(dir, "p"));
            return new Round(Args(Path.Combine(dir, "p")), Path.Combine(dir, "p"));
        }, target =>
            new[] { "config.json", "model.safetensors", "tokenizer.json", "pretrain.json" }.All(f => File.Exists(Path.Combine(target, f)))
            && CheckpointSummary.Read(target).ParameterCount > 0,
        target =>
        {
            using var claim = FolderClaim.Acquire(target, "model folder");
        });
    }

    [Fact]
    public void RouteTrainLeavesTheOldRouterOrTheNewOne()
    {
        // Two experts on small demo tasks, trained once; every round routes between copies of them.
        string experts = Path.Combine(ws.Path, "kills", "route-experts");
        if (!Directory.Exists(Path.Combine(experts, "reuters-grain")))
            foreach (var task in new[] { "fortune-category", "reuters-grain" })
            {
                var trained = ChildProcess.Ttlora(["train", "--task", task, "--model", ws.BaseModel, "--registry", experts, "--name", task,
                    "--adapter", "lora", "--rank", "2", "--epochs", "1", "--max-train-examples", "32", "--max-length", "16", "--batch-size", "32"], ws.Environment);
                Assert.True(trained.ExitCode == 0, trained.Error);
            }
        string[] Args(string registry) => ["route-train", "--experts", "fortune-category,reuters-grain", "--registry", registry, "--model", ws.BaseModel,
            "--name", "r", "--epochs", "1", "--mix", "capped", "--cap", "24", "--max-length", "16"];
        string oldRegistry = Path.Combine(ws.Path, "kills", "route-old");
        if (!Directory.Exists(oldRegistry))
        {
            FolderState.Copy(experts, oldRegistry);
            var first = ChildProcess.Ttlora(Args(oldRegistry), ws.Environment);
            Assert.True(first.ExitCode == 0, first.Error);
        }
        KillAtRandomMoments("route-train", i =>
        {
            string registry = RoundFolder("route-train", i);
            FolderState.Copy(i >= 0 ? oldRegistry : experts, registry);
            return new Round(Args(registry), Path.Combine(registry, RouterStore.FolderName, "r"));
        }, target =>
        {
            var store = new RouterStore(new ExpertRegistry(Path.GetDirectoryName(Path.GetDirectoryName(target))!));
            return store.Contains("r") && File.Exists(Path.Combine(target, RouterConfig.WeightsFileName)) && store.Get("r").Name == "r";
        }, target =>
        {
            using var claim = new RouterStore(new ExpertRegistry(Path.GetDirectoryName(Path.GetDirectoryName(target))!)).Claim("r");
        });
    }
}
