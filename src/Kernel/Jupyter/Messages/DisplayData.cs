using System.Text.Json.Nodes;

namespace TtLora.Kernel.Jupyter.Messages;

/// <summary>display_data: a value shown in the cell's output, addressable later through its display_id.</summary>
public sealed record DisplayData(JsonObject Data, Transient Transient)
{
    public const string Type = "display_data";
    public JsonObject Metadata => [];
}

/// <summary>update_display_data: replaces what an earlier display_data with the same display_id shows.</summary>
public sealed record UpdateDisplayData(JsonObject Data, Transient Transient)
{
    public const string Type = "update_display_data";
    public JsonObject Metadata => [];
}

/// <summary>The part of a display message that is not stored in the notebook.</summary>
public sealed record Transient(string DisplayId);
