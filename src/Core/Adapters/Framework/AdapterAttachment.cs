namespace TtLora.Core.Adapters;

/// <summary>What an injection or a load attached.</summary>
/// <param name="AdapterName">The name the adapter has in every module (e.g. <c>default</c>).</param>
/// <param name="Config">The config it was built from.</param>
/// <param name="Modules">Full names of the adapted modules, in model order.</param>
/// <param name="AdapterParameters">Values in the attached adapters (excluding any head).</param>
public sealed record AdapterAttachment(string AdapterName, AdapterConfig Config, IReadOnlyList<string> Modules, long AdapterParameters);
