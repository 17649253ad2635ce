namespace TtLora.Core.Data;

/// <summary>
/// A task with its train, validation and test examples. Construction checks that every label index is valid and
/// that no document (<see cref="LabelledExample.DocumentId"/>) appears in two splits.
/// </summary>
public sealed class TaskSplits
{
    public TaskDefinition Task { get; }
    public IReadOnlyList<LabelledExample> Train { get; }
    public IReadOnlyList<LabelledExample> Validation { get; }
    public IReadOnlyList<LabelledExample> Test { get; }

    public TaskSplits(TaskDefinition task, IReadOnlyList<LabelledExample> train,
        IReadOnlyList<LabelledExample> validation, IReadOnlyList<LabelledExample> test)
    {
        Task = task;
        Train = train;
        Validation = validation;
        Test = test;
        CheckDocumentsAreDisjoint();
        _ = Summary(); // validates label indices
    }

    /// <summary>The examples of one split.</summary>
    public IReadOnlyList<LabelledExample> this[DataSplit split] => split switch
    {
        DataSplit.Train => Train,
        DataSplit.Validation => Validation,
        DataSplit.Test => Test,
        _ => throw new ArgumentOutOfRangeException(nameof(split)),
    };

    /// <summary>Sizes and label balance of every split.</summary>
    public TaskSummary Summary() => new(Task.Name, Task.Description, Task.LabelNames,
        SplitStatistics.Of(Train, Task.LabelNames.Count),
        SplitStatistics.Of(Validation, Task.LabelNames.Count),
        SplitStatistics.Of(Test, Task.LabelNames.Count));

    /// <summary>
    /// Moves a stable, hash-chosen fraction of the training documents into validation (for sources that ship no
    /// labelled validation split). Whole documents move, so passages of one document stay together.
    /// </summary>
    public TaskSplits WithValidationFromTrain(double fraction)
    {
        if (fraction is <= 0 or >= 1) throw new TtLoraException($"validation fraction must be in (0, 1), got {fraction}");
        var moved = Train.Where(e => StableHash.Unit(Task.Name + "/validation", e.DocumentId) < fraction).ToArray();
        var kept = Train.Where(e => StableHash.Unit(Task.Name + "/validation", e.DocumentId) >= fraction).ToArray();
        return new TaskSplits(Task, kept, Validation.Concat(moved).ToArray(), Test);
    }

    void CheckDocumentsAreDisjoint()
    {
        var owner = new Dictionary<string, DataSplit>(StringComparer.Ordinal);
        foreach (var split in new[] { DataSplit.Train, DataSplit.Validation, DataSplit.Test })
            foreach (var example in this[split])
            {
                if (owner.TryGetValue(example.DocumentId, out var first) && first != split)
                    throw new TtLoraException($"task '{Task.Name}': document '{example.DocumentId}' is in both the {first} and the {split} split");
                owner[example.DocumentId] = split;
            }
    }
}
