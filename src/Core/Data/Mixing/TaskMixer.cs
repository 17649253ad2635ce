namespace TtLora.Core.Data;

/// <summary>Combines the examples of several tasks into one shuffled, task-tagged list, and cuts lists into batches.</summary>
public static class TaskMixer
{
    /// <summary>Mixes one split of several tasks; task indices follow the order of <paramref name="tasks"/>.</summary>
    public static IReadOnlyList<MixedExample> Mix(IReadOnlyList<TaskSplits> tasks, DataSplit split, MixOptions? options = null) =>
        Mix(tasks.Select(t => (t.Task.Name, t[split])).ToArray(), options);

    /// <summary>Mixes named example lists; task indices follow the order of <paramref name="tasks"/>.</summary>
    public static IReadOnlyList<MixedExample> Mix(IReadOnlyList<(string Name, IReadOnlyList<LabelledExample> Examples)> tasks, MixOptions? options = null)
    {
        options ??= new MixOptions();
        if (tasks.Count == 0) throw new TtLoraException("mixing needs at least one task");
        var duplicate = tasks.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new TtLoraException($"task '{duplicate.Key}' is given twice to the mixer");
        int? limit = options.Strategy switch
        {
            MixStrategy.Balanced => tasks.Min(t => t.Examples.Count),
            MixStrategy.Proportional => null,
            MixStrategy.Capped => options.CapPerTask is > 0 ? options.CapPerTask
                : throw new TtLoraException($"mix strategy Capped needs a positive CapPerTask, got {options.CapPerTask?.ToString() ?? "none"}"),
            _ => throw new TtLoraException($"unknown mix strategy {options.Strategy}"),
        };

        var mixed = new List<MixedExample>();
        for (int t = 0; t < tasks.Count; t++)
        {
            var (name, examples) = tasks[t];
            var chosen = limit is { } n && n < examples.Count
                ? SeededShuffle.Shuffle(examples, StableHash.Of($"mix-subset/{options.Seed}", name)).Take(n)
                : examples;
            mixed.AddRange(chosen.Select(e => new MixedExample(t, name, e)));
        }
        return SeededShuffle.Shuffle(mixed, StableHash.Of("mix-order", options.Seed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>Consecutive batches of <paramref name="batchSize"/> items; the last one may be smaller unless <paramref name="dropLast"/>.</summary>
    public static IEnumerable<IReadOnlyList<T>> Batches<T>(IReadOnlyList<T> items, int batchSize, bool dropLast = false)
    {
        if (batchSize <= 0) throw new TtLoraException($"batch size must be positive, got {batchSize}");
        for (int start = 0; start < items.Count; start += batchSize)
        {
            int size = Math.Min(batchSize, items.Count - start);
            if (size < batchSize && dropLast) yield break;
            var batch = new T[size];
            for (int i = 0; i < size; i++) batch[i] = items[start + i];
            yield return batch;
        }
    }
}
