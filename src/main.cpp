// bailanys: the whole product in one binary. See README.md.
#include "app/app.hpp"
#include "config/config.hpp"

#include <variant>

int main(int argc, char** argv) {
  const auto command = bailanys::config::parse_command_line(argc, argv);
  if (const auto* exit = std::get_if<bailanys::config::ExitCommand>(&command)) {
    return exit->exit_code;
  }
  return bailanys::app::run_server(std::get<bailanys::config::ServeCommand>(command).config);
}
