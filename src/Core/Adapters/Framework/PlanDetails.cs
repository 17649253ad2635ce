using System.Text.Json.Nodes;

namespace TtLora.Core.Adapters;

/// <summary>What a kind adds to a plan row beyond sizes and rank (TT-LoRA: its shapes), as named columns and JSON fields.</summary>
public abstract record PlanDetails
{
    /// <summary>Column names and values, in display order.</summary>
    public abstract IReadOnlyList<(string Column, string Value)> Columns { get; }

    /// <summary>A short form for one-line descriptions, e.g. "tt [4,4]x[4,4] r=5".</summary>
    public abstract string Summary(int rank);

    /// <summary>The same as JSON fields of the module's row.</summary>
    public abstract JsonObject ToJson();
}
