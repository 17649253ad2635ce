using System.Text.Json;
using System.Text.Json.Nodes;
using TtLora.Extension;
using TtLora.Extension.Display;
using TtLora.Kernel.Jupyter.Messages;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// What one cell sends to the front ends — streams, displays, its result or error — all on iopub under the
/// request's header. Stream text is flushed every <c>flushInterval</c> while the cell runs, and before anything
/// else is published so output keeps its order.
/// </summary>
internal sealed class CellOutput : IDisposable
{
    readonly Action<string, object> publish;
    readonly Timer flushTimer;

    readonly PlotlyLibraryOnce? plotly;

    /// <param name="publish">Sends one iopub message (type, content); a silent request passes a no-op.</param>
    /// <param name="plotly">The session's record of whether plotly.js was sent; without it every chart carries the library.</param>
    public CellOutput(Action<string, object> publish, TimeSpan flushInterval, PlotlyLibraryOnce? plotly = null)
    {
        this.publish = publish;
        this.plotly = plotly;
        Stdout = new CellStreamWriter(text => publish(StreamOutput.Type, new StreamOutput(StreamOutput.Stdout, text)));
        Stderr = new CellStreamWriter(text => publish(StreamOutput.Type, new StreamOutput(StreamOutput.Stderr, text)));
        flushTimer = new Timer(_ => FlushStreams(), null, flushInterval, flushInterval);
    }

    public TextWriter Stdout { get; }
    public TextWriter Stderr { get; }

    public void FlushStreams()
    {
        Stdout.Flush();
        Stderr.Flush();
    }

    /// <summary>Publishes a message after the stream text written so far.</summary>
    public void Publish(string type, object content)
    {
        FlushStreams();
        publish(type, content);
    }

    /// <summary>Shows a value as display_data under a new display id.</summary>
    public DisplayHandle Display(object? value)
    {
        string id = Guid.NewGuid().ToString("N");
        Publish(DisplayData.Type, new DisplayData(Bundle(value), new Transient(id)));
        return new DisplayHandle(this, id);
    }

    /// <summary>Replaces what the display with <paramref name="displayId"/> shows.</summary>
    public void UpdateDisplay(object? value, string displayId) =>
        Publish(UpdateDisplayData.Type, new UpdateDisplayData(Bundle(value), new Transient(displayId)));

    /// <summary>Shows a verb's result: its rich rendering, or its JSON when the user asked for <c>--json</c>.</summary>
    public void Emit(ICommandResult result, bool json)
    {
        if (!json)
        {
            Display(result);
            return;
        }
        var node = result.ToJson();
        var data = new JsonObject
        {
            [MimeBundles.PlainText] = node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }),
            ["application/json"] = node.DeepClone(),
        };
        Publish(DisplayData.Type, new DisplayData(data, new Transient(Guid.NewGuid().ToString("N"))));
    }

    /// <summary>The mime bundle of a value; a formatter that fails costs the rich form, not the cell.</summary>
    public JsonObject Bundle(object? value)
    {
        try
        {
            var data = MimeBundleJson.From(MimeBundles.For(value));
            plotly?.Apply(data);
            return data;
        }
        catch (Exception e)
        {
            Stderr.WriteLine($"display: rendering {value!.GetType().Name} failed ({e.GetType().Name}: {e.Message}); showing its text");
            return new JsonObject { [MimeBundles.PlainText] = value.ToString() };
        }
    }

    public void Dispose()
    {
        flushTimer.Dispose();
        FlushStreams();
    }
}
