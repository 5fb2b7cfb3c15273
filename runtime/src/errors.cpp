#include "mp/errors.hpp"

namespace mp {

std::string Error::str() const {
  std::string message = what();
  if (message.empty()) return type_name_;
  return type_name_ + ": " + message;
}

}  // namespace mp
