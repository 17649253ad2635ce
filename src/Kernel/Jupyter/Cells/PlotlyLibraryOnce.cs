using System.Text.Json.Nodes;
using TtLora.Extension.Display;
using TtLora.Extension.Formatting;

namespace TtLora.Kernel.Jupyter.Cells;

/// <summary>
/// plotly.js (3.6 MB) once per kernel session: every chart view carries the library so that it renders on its own, but
/// once a display has sent it, the page that shows this session's outputs already defines <c>window.Plotly</c>, so
/// later displays drop their copy and draw with the loaded one. A notebook executed top to bottom therefore holds the
/// library once; re-running only some cells in a fresh session sends it again with the first chart of that session.
/// The <c>application/vnd.plotly.v1+json</c> part is left as it is, for front ends that draw Plotly themselves.
/// </summary>
internal sealed class PlotlyLibraryOnce
{
    readonly Lock gate = new();
    bool sent;

    /// <summary>Whether a display of this session has carried the library.</summary>
    public bool Sent
    {
        get { lock (gate) return sent; }
    }

    /// <summary>Removes the library from <paramref name="data"/>'s HTML when an earlier display sent it; otherwise notes that this one does.</summary>
    public void Apply(JsonObject data)
    {
        if (data[MimeBundles.Html] is not JsonValue value || !value.TryGetValue(out string? html) || html is null) return;
        string loader = PlotlyJs.LoaderScript;
        int at = html.IndexOf(loader, StringComparison.Ordinal);
        if (at < 0) return;
        lock (gate)
        {
            if (!sent)
            {
                sent = true;
                return;
            }
        }
        data[MimeBundles.Html] = html.Remove(at, loader.Length);
    }
}
