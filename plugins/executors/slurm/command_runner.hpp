// Runs a Slurm client (sbatch, squeue, ...) and captures what it prints.
#pragma once

#include <string>
#include <vector>

namespace spackext::executors {

struct CommandResult {
  int exit_code = -1;  // 127 when the program is not installed
  std::string out, err;
};

// Searches PATH for argv[0]; never goes through a shell.
CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace spackext::executors
