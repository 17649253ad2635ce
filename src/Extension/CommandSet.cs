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
        // The main job first, then the workflow in order: data, base, stage one, stage two, tools.
        root.Add(DemoVerb.Build(context));
        root.Add(DataVerb.Build(context));
        root.Add(PretrainVerb.Build(context));
        root.Add(TrainVerb.Build(context));
        root.Add(ExpertsVerb.Build(context));
        root.Add(ShowVerb.Build(context));
        root.Add(PredictVerb.Build(context));
        root.Add(RouteTrainVerb.Build(context));
        root.Add(RouteVerb.Build(context));
        root.Add(EvalVerb.Build(context));
        root.Add(MolaVerb.Build(context));
        root.Add(SubmitVerb.Build(context));
        root.Add(JobsVerb.Build(context));
        root.Add(PlanVerb.Build(context));
        root.Add(GenerateVerb.Build(context));
        root.Add(TokenizeVerb.Build(context));
        root.Add(ModelVerb.Build(context));
        var bench = BenchVerb.Build(context);
        bench.Add(RoutingBenchVerb.Build(context));
        root.Add(bench);
        root.Add(UseVerb.Build(context));
        root.Add(HelpVerb.Build(context));
        return root;
    }
}
