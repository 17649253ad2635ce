using Xunit.Abstractions;

namespace TtLora.Notebooks.Tests;

/// <summary>Every notebook runs top to bottom on the ttlora kernel, in its quick configuration, within its time budget.</summary>
[Collection(NotebookCollection.Name)]
public class NotebookExecutionTests(NotebookRuns runs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void RunsWithoutCellErrorsWithinItsBudget(string name)
    {
        var run = runs[name];
        output.WriteLine($"{name}: {run.Elapsed.TotalSeconds:0.0} s (budget {NotebookRuns.BudgetPerNotebook.TotalSeconds:0} s); slowest cells: " +
                         string.Join(", ", run.SlowestCells.Take(3).Select(c => $"cell {c.Index} {c.Seconds:0.0} s")));
        Assert.True(run.Problem is null, run.Problem);
        Assert.Equal("ttlora", (string)run.Summary!["kernel"]!);
        Assert.True(run.CellErrors.Count == 0, $"{name} has cell errors:\n{string.Join("\n", run.CellErrors)}");
        Assert.True(run.Elapsed <= NotebookRuns.BudgetPerNotebook,
            $"{name} took {run.Elapsed.TotalSeconds:0} s, over its budget of {NotebookRuns.BudgetPerNotebook.TotalSeconds:0} s");
    }
}
