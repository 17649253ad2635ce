using Xunit.Abstractions;

namespace TtLora.Notebooks.Tests;

/// <summary>
/// The executed notebooks as a reader's browser shows them after <c>nbconvert --to html</c>, with no network:
/// every Plotly chart drawn from the plotly.js the outputs carry, and the tables of the HTML views present.
/// </summary>
[Collection(NotebookCollection.Name)]
public class NotebookRenderingTests(NotebookRuns runs, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(NotebookRuns.NameData), MemberType = typeof(NotebookRuns))]
    public void ChartsAndTablesRenderOffline(string name)
    {
        var run = runs[name];
        Assert.True(run.Page is not null, $"{name} was not rendered: {run.Problem}");
        var page = run.Page;
        output.WriteLine($"{name}: {page.Charts.Count} chart(s), {page.Tables} table(s); " +
                         string.Join("; ", page.Charts.Select(c => $"{c.Id}: main-svg {c.HasMainSvg}, traces [{string.Join(", ", c.TraceKinds)}]")));
        Assert.NotEmpty(page.Charts);
        Assert.All(page.Charts, chart => Assert.True(chart.Rendered,
            $"{name}: chart {chart.Id} was not drawn (svg.main-svg: {chart.HasMainSvg}, trace groups: {chart.TraceKinds.Count})"));
        Assert.Equal(0, page.NotLoadedNotices);
        Assert.True(page.Tables > 0, $"{name} shows no ttl-table");
    }

    [Fact]
    public void AScreenshotOfOneNotebookIsKept()
    {
        Assert.True(runs.Screenshot is not null, $"no screenshot of {NotebookRuns.ScreenshotNotebook}: {runs[NotebookRuns.ScreenshotNotebook].Problem}");
        string png = runs.Screenshot;
        output.WriteLine($"screenshot: {png}");
        var bytes = File.ReadAllBytes(png);
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
        // IHDR: width and height, big-endian, at bytes 16..23.
        Assert.Equal(1280, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(16, 4)));
        Assert.Equal(2000, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(20, 4)));
        Assert.True(bytes.Length > 50_000, $"the screenshot has only {bytes.Length} bytes: the page looks empty");
    }
}
