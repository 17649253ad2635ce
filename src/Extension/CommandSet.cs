using System.CommandLine;
using TtLora.Extension.Verbs;

namespace TtLora.Extension;

/// <summary>
/// The one grammar of tt-lora: every verb, for the terminal (<c>ttlora VERB</c>) and for notebook cells
/// (<c>#!tt-lora VERB</c>) alike.
/// </summary>
public static class CommandSet
{
    public static RootCommand Build(CommandContext context)
    {
        var root = new RootCommand("tt-lora: tensor-train LoRA experts and routers for Llama-family models");
        root.Add(GenerateVerb.Build(context));
        root.Add(TokenizeVerb.Build(context));
        root.Add(ModelVerb.Build(context));
        root.Add(DemoVerb.Build(context));
        root.Add(PlanVerb.Build(context));
        root.Add(DataVerb.Build(context));
        root.Add(PretrainVerb.Build(context));
        root.Add(TrainVerb.Build(context));
        root.Add(ExpertsVerb.Build(context));
        root.Add(ShowVerb.Build(context));
        root.Add(PredictVerb.Build(context));
        root.Add(BenchVerb.Build(context));
        root.Add(UseVerb.Build(context));
        root.Add(HelpVerb.Build(context));
        return root;
    }
}
