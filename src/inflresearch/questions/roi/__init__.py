"""questions/roi"""
