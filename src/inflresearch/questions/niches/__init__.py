"""questions/niches"""
