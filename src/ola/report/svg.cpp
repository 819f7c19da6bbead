#include "ola/report/svg.h"

#include <cmath>
#include <sstream>

namespace ola::opt::svg {

namespace {
std::string num(double v) {
  std::ostringstream os;
  os.precision(6);
  os << v;
  return os.str();
}
std::string tick_label(double v) {
  std::ostringstream os;
  os.precision(4);
  os << (std::abs(v) < 1e-12 ? 0.0 : v);
  return os.str();
}
}  // namespace

std::string escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    switch (c) {
      case '&': o += "&amp;"; break;
      case '<': o += "&lt;"; break;
      case '>': o += "&gt;"; break;
      case '"': o += "&quot;"; break;
      default: o += c;
    }
  }
  return o;
}

void line(Svg& s, double x1, double y1, double x2, double y2, const std::string& stroke, double width,
          const std::string& dash) {
  s.body += "<line x1=\"" + num(x1) + "\" y1=\"" + num(y1) + "\" x2=\"" + num(x2) + "\" y2=\"" + num(y2) +
            "\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\"" +
            (dash.empty() ? "" : " stroke-dasharray=\"" + dash + "\"") + "/>\n";
}

void polyline(Svg& s, const std::vector<std::pair<double, double>>& pts, const std::string& stroke, double width) {
  if (pts.empty()) return;
  s.body += "<polyline fill=\"none\" stroke=\"" + stroke + "\" stroke-width=\"" + num(width) + "\" points=\"";
  for (const auto& [x, y] : pts) s.body += num(x) + "," + num(y) + " ";
  s.body += "\"/>\n";
}

void rect(Svg& s, double x, double y, double w, double h, const std::string& fill, const std::string& title) {
  s.body += "<rect x=\"" + num(x) + "\" y=\"" + num(y) + "\" width=\"" + num(std::max(0.0, w)) + "\" height=\"" +
            num(std::max(0.0, h)) + "\" fill=\"" + fill + "\">" +
            (title.empty() ? "" : "<title>" + escape(title) + "</title>") + "</rect>\n";
}

void circle(Svg& s, double x, double y, double r, const std::string& fill, const std::string& title) {
  s.body += "<circle cx=\"" + num(x) + "\" cy=\"" + num(y) + "\" r=\"" + num(r) + "\" fill=\"" + fill + "\">" +
            (title.empty() ? "" : "<title>" + escape(title) + "</title>") + "</circle>\n";
}

void text(Svg& s, double x, double y, const std::string& t, double size, const std::string& anchor, double rotate) {
  s.body += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" font-size=\"" + num(size) +
            "\" font-family=\"sans-serif\" text-anchor=\"" + anchor + "\"" +
            (rotate != 0 ? " transform=\"rotate(" + num(rotate) + " " + num(x) + " " + num(y) + ")\"" : "") + ">" +
            escape(t) + "</text>\n";
}

std::string to_string(const Svg& s) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(s.width) + "\" height=\"" + num(s.height) +
         "\" viewBox=\"0 0 " + num(s.width) + " " + num(s.height) + "\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n" +
         s.body + "</svg>\n";
}

void draw_axes(Svg& s, const Axes& a, const std::string& xlabel, const std::string& ylabel, const std::string& title) {
  line(s, a.left, a.top + a.height, a.left + a.width, a.top + a.height, "black");
  line(s, a.left, a.top, a.left, a.top + a.height, "black");
  for (int i = 0; i <= 5; ++i) {
    const double xv = a.xmin + (a.xmax - a.xmin) * i / 5.0;
    const double yv = a.ymin + (a.ymax - a.ymin) * i / 5.0;
    line(s, a.px(xv), a.top + a.height, a.px(xv), a.top + a.height + 4, "black");
    text(s, a.px(xv), a.top + a.height + 16, tick_label(xv), 10, "middle");
    line(s, a.left - 4, a.py(yv), a.left, a.py(yv), "black");
    line(s, a.left, a.py(yv), a.left + a.width, a.py(yv), "#e0e0e0", 0.5);
    text(s, a.left - 6, a.py(yv) + 3, tick_label(yv), 10, "end");
  }
  text(s, a.left + a.width / 2, a.top + a.height + 34, xlabel, 12, "middle");
  text(s, 16, a.top + a.height / 2, ylabel, 12, "middle", -90);
  text(s, a.left + a.width / 2, 22, title, 14, "middle");
}

std::pair<double, double> nice_range(double lo, double hi) {
  if (!(hi > lo)) {
    const double pad = std::max(1.0, std::abs(lo)) * 0.5;
    return {lo - pad, hi + pad};
  }
  const double step = std::pow(10.0, std::floor(std::log10((hi - lo) / 5.0)));
  return {std::floor(lo / step) * step, std::ceil(hi / step) * step};
}

}  // namespace ola::opt::svg
