"""The LaTeX writer: the translated source tree, Korean fixed names, the jailed TeX build."""
