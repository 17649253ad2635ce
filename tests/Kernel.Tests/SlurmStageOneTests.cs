using System.Security.Cryptography;
using System.Text.Json.Nodes;
using TtLora.Core.Data;
using TtLora.Core.Models;
using TtLora.Core.Packages;
using TtLora.Core.Training;

namespace TtLora.Kernel.Tests;

/// <summary>
/// Stage one of the quick demo (three tasks) and its router through a real, private Slurm cluster, driven by the ttlora
/// executable as a user runs it: the experts as one job array and the router-and-eval as a dependent job. One task's
/// cached data is damaged on purpose, so its array task fails and the router is cancelled; `jobs` must show the failure
/// with its log tail, and after the data is restored `submit --retry-failed` must rerun only that task and the router.
/// The finished registry must equal a local run of the same commands (same adapter and router bytes, same accuracies:
/// training is deterministic per seed at a fixed thread count). The cluster is stopped and no daemon may survive.
/// </summary>
public class SlurmStageOneTests
{
    static readonly string[] Tasks = ["fortune-category", "reuters-grain", "spam"];
    const string Damaged = "reuters-grain";
    static readonly string[] TrainOptions = ["--epochs", "1", "--max-train-examples", "64", "--max-length", "32", "--batch-size", "32", "--seed", "5"];
    static readonly string[] RouterOptions = ["--pooling", "mean", "--router-epochs", "3", "--router-max-length", "32"];
    static readonly TimeSpan JobTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public void StageOneRunsAsAnArrayWithADependentRouterAndOnlyTheFailedTaskIsRetried()
    {
        using var tmp = new TempFolder("ttlora-slurm-");
        string baseDir = PretrainTinyBase(tmp["base"]);
        string cache = PrivateDemoCache(tmp.Sub("cache"));
        string trainFile = Path.Combine(cache, "demo-suite", "v1", Damaged, "train.jsonl");
        string goodData = File.ReadAllText(trainFile);
        File.AppendAllText(trainFile, "{\"id\": \"broken\", \"text\": \n");

        IReadOnlyList<int> daemons;
        string state = tmp.Sub("cluster");
        using (var cluster = new LocalSlurmCluster(state))
        {
            daemons = cluster.DaemonPids;
            Assert.Equal(3, daemons.Count);
            var env = new Dictionary<string, string?>(cluster.Environment) { ["TTLORA_CACHE"] = cache, ["TTLORA_THREADS"] = null };

            var submitted = Ttlora(tmp.Path, env, ["submit", "--tasks", string.Join(',', Tasks), "--model", baseDir, "--registry", "registry", "--name", "quick",
                "--cpus-per-task", "1", .. TrainOptions, .. RouterOptions, "--eval-max-examples", "16", "--no-baselines", "--json"]);
            var round = JsonNode.Parse(submitted.Output)!["round"]!;
            Assert.Equal([0, 1, 2], round["indices"]!.AsArray().Select(i => (int)i!));
            cluster.WaitUntilIdle(JobTimeout);

            var failed = JsonNode.Parse(Ttlora(tmp.Path, env, ["jobs", "quick", "--json"]).Output)!;
            foreach (var task in failed["tasks"]!.AsArray())
            {
                bool damaged = (string)task!["task"]! == Damaged;
                Assert.Equal(damaged ? "FAILED" : "COMPLETED", (string)task["state"]!);
                Assert.Equal(!damaged, (bool)task["in_registry"]!);
            }
            var tail = failed["tasks"]!.AsArray().Single(t => (string)t!["task"]! == Damaged)!["log_tail"]!.AsArray().Select(l => (string)l!).ToList();
            Assert.Contains(tail, l => l.Contains("threads: 1 (SLURM_CPUS_PER_TASK=1)"));
            Assert.Contains(tail, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains(trainFile));
            Assert.Equal("CANCELLED", (string)failed["router"]!["state"]!);
            var text = Ttlora(tmp.Path, env, ["jobs", "quick"]).Output;
            Assert.Contains("1 failed", text);
            Assert.Contains($"  | error: {trainFile}", text);
            Assert.Contains("submit --retry-failed quick", text);

            File.WriteAllText(trainFile, goodData);
            var retried = JsonNode.Parse(Ttlora(tmp.Path, env, ["submit", "--retry-failed", "quick", "--json"]).Output)!;
            Assert.Equal([Array.IndexOf(Tasks, Damaged)], retried["round"]!["indices"]!.AsArray().Select(i => (int)i!));
            Assert.Equal([Damaged], retried["retried_tasks"]!.AsArray().Select(t => (string)t!));
            cluster.WaitUntilIdle(JobTimeout);

            var done = JsonNode.Parse(Ttlora(tmp.Path, env, ["jobs", "quick", "--json"]).Output)!;
            Assert.All(done["tasks"]!.AsArray(), t => Assert.Equal("COMPLETED", (string)t!["state"]!));
            Assert.Equal("COMPLETED", (string)done["router"]!["state"]!);
            string routerLog = (string)done["router"]!["log"]!;
            string evaluation = File.ReadAllText(routerLog);
            Assert.Contains("router quick-router (", evaluation);
            Assert.Contains("confusion (rows: task, columns: chosen expert)", evaluation);
            var nothing = Ttlora(tmp.Path, env, ["submit", "--retry-failed", "quick"], expectSuccess: false);
            Assert.Contains("nothing failed", nothing.Error);
        }

        // No daemon of the cluster survives its stop.
        foreach (var pid in daemons) Assert.False(Directory.Exists($"/proc/{pid}"), $"daemon {pid} still runs");
        var status = ChildProcess.Run("bash", [Path.Combine(TestPaths.RepositoryRoot, "scripts", "local-slurm.sh"), "status", state], TimeSpan.FromSeconds(30));
        Assert.Equal(1, status.ExitCode);
        Assert.Equal(["munged stopped", "slurmctld stopped", "slurmd stopped"], status.Output.Trim().Split('\n'));

        // The same commands locally, one thread each as the array tasks had.
        var local = new Dictionary<string, string?> { ["TTLORA_CACHE"] = cache, ["TTLORA_THREADS"] = "1" };
        foreach (var task in Tasks)
            Ttlora(tmp.Path, local, ["train", "--task", task, "--name", $"{task}-tt-lora", "--model", baseDir, "--registry", "local", .. TrainOptions]);
        Ttlora(tmp.Path, local, ["route-train", "--experts", string.Join(',', Tasks.Select(t => $"{t}-tt-lora")), "--name", "quick-router",
            "--model", baseDir, "--registry", "local", "--pooling", "mean", "--epochs", "3", "--max-length", "32"]);

        foreach (var task in Tasks)
        {
            string cluster = Path.Combine(tmp.Path, "registry", $"{task}-tt-lora"), here = Path.Combine(tmp.Path, "local", $"{task}-tt-lora");
            Assert.Equal(Fingerprints(here), Fingerprints(cluster));
            var (a, b) = (JsonNode.Parse(File.ReadAllText(Path.Combine(cluster, "expert.json")))!, JsonNode.Parse(File.ReadAllText(Path.Combine(here, "expert.json")))!);
            foreach (var metric in new[] { "validation_accuracy", "test_accuracy" })
                Assert.Equal(b[metric]?.ToJsonString(), a[metric]?.ToJsonString());
        }
        Assert.Equal(Fingerprints(Path.Combine(tmp.Path, "local", "routers", "quick-router")), Fingerprints(Path.Combine(tmp.Path, "registry", "routers", "quick-router")));
    }

    static ChildProcess.Result Ttlora(string workingDirectory, IReadOnlyDictionary<string, string?> env, string[] args, bool expectSuccess = true)
    {
        var result = ChildProcess.Run("dotnet", [TestPaths.TtloraDll, .. args], TimeSpan.FromMinutes(3), env, workingDirectory);
        if (expectSuccess) Assert.True(result.ExitCode == 0, $"ttlora {string.Join(' ', args)} failed: {result.Error}");
        return result;
    }

    /// <summary>SHA-256 of every weights file of a folder, by name.</summary>
    static IReadOnlyDictionary<string, string> Fingerprints(string folder) =>
        Directory.GetFiles(folder, "*.safetensors").Order(StringComparer.Ordinal)
            .ToDictionary(f => Path.GetFileName(f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    static string PretrainTinyBase(string dir)
    {
        var texts = Tasks.SelectMany(t => DemoSuite.Load(t).Train.Take(60)).Select(e => e.Text).ToList();
        var options = new PretrainOptions
        {
            VocabSize = 400, Architecture = ModelPresets.Get("tiny"), SequenceLength = 32, BatchSize = 8, Steps = 20,
            WarmupSteps = 2, LearningRate = 5e-3, EvaluateEvery = 20, ValidationBatches = 1, TokenizerTrainingChars = 60_000,
        };
        Pretrainer.Run(texts.Skip(20).ToList(), texts.Take(20).ToList(), dir, options);
        return dir;
    }

    /// <summary>A cache holding only the three tasks' cached splits, so one can be damaged without touching the user's cache.</summary>
    static string PrivateDemoCache(string root)
    {
        foreach (var task in Tasks)
        {
            DemoSuite.Load(task);
            string source = Path.Combine(CacheDirectory.Root, "demo-suite", "v1", task);
            string target = Directory.CreateDirectory(Path.Combine(root, "demo-suite", "v1", task)).FullName;
            foreach (var file in Directory.GetFiles(source)) File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return root;
    }
}
