using System.Text.Json.Nodes;

namespace TtLora.Notebooks.Tests;

/// <summary>One notebook executed by nbclient in its quick configuration, converted to HTML and opened in Chromium.</summary>
/// <param name="Name">The notebook's file name, e.g. <c>01-tensor-train-lora.ipynb</c>.</param>
/// <param name="Elapsed">Wall-clock time of the execution, kernel start to last cell.</param>
/// <param name="Summary">execute_notebook.py's summary: per code cell its seconds, output types and errors.</param>
/// <param name="Page">What Chromium rendered from the nbconvert HTML; null when execution failed before it.</param>
/// <param name="Problem">Why the notebook could not be executed or converted at all; null when it could.</param>
internal sealed record NotebookRun(string Name, TimeSpan Elapsed, JsonNode? Summary, string? HtmlPath, RenderedPage? Page, string? Problem)
{
    /// <summary>Every error output of every cell, as "cell N: ename: evalue".</summary>
    public IReadOnlyList<string> CellErrors => Summary?["cells"]?.AsArray()
        .SelectMany(cell => cell!["errors"]!.AsArray().Select(e => $"cell {(int)cell["index"]!}: {(string)e!["ename"]!}: {(string)e["evalue"]!}"))
        .ToList() ?? [];

    /// <summary>Code cells with their seconds, slowest first, for reading where the time went.</summary>
    public IEnumerable<(int Index, double Seconds)> SlowestCells => (Summary?["cells"]?.AsArray() ?? [])
        .Select(cell => ((int)cell!["index"]!, (double?)cell["seconds"] ?? 0))
        .OrderByDescending(c => c.Item2);
}
